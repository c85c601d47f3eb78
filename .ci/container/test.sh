#!/usr/bin/env bash
# herald's container test. It builds the image from the repository's
# Dockerfile with podman, runs it against a fake X and a feed served from
# this machine, and checks what an operator relies on: /healthz answers, the
# process runs as 65532, a new article is posted exactly once, SIGTERM stops
# it cleanly and quickly, and a new container on the same volume posts
# nothing again.
#
# No registry is reached: the build image is made from this machine's Go
# toolchain and the runtime image from an empty root with a passwd file.
# Run as root, from anywhere: bash .ci/container/test.sh
#
# What stays after a run: podman's configuration and (empty) storage for
# this test under /var/lib/herald-ci, the Debian packages, and Go's build
# cache in buildah's cache directory (/var/tmp/buildah-cache), the Dockerfile's
# cache mount, which makes the next build take seconds instead of minutes.
# Everything the run makes (images, containers, the volume, the fake X, the
# feed server, temporary files) is removed on exit, whether it passed or not.
set -euo pipefail

cd "$(dirname "$0")/../.."

export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
SECONDS=0

# Names of everything this script makes; a re-run removes leftovers first.
image=localhost/herald:ci
go_image=localhost/herald-go-build:ci
runtime_image=localhost/herald-runtime:ci
volume=herald-ci-data
containers=(herald-ci-1 herald-ci-2 herald-ci-probe)
state=/var/lib/herald-ci # podman's configuration and storage for this test

step() { printf '\n== %s\n' "$*"; }
say() { printf '   %s\n' "$*"; }
run() { printf '   + %s\n' "$*"; "$@"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
  fail "run this as root (rootful podman)"
fi

work=$(mktemp -d /tmp/herald-ci.XXXXXX)
pids=()
podman_ready="" # set once podman is configured for this test

remove_everything() {
  podman rm -f -v -t 0 "${containers[@]}" >/dev/null 2>&1 || true
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
  podman rmi -f "$image" "$go_image" "$runtime_image" >/dev/null 2>&1 || true
  # The storage under $state is this test's own: what is left there is the
  # build's intermediate layers and the anonymous volumes of VOLUME /data.
  podman image prune -f >/dev/null 2>&1 || true
  podman volume prune -f >/dev/null 2>&1 || true
}

cleanup() {
  local rc=$?
  set +e
  if [ "$rc" != 0 ]; then
    printf '\n== failed (exit %s): what the processes said\n' "$rc"
    for c in herald-ci-1 herald-ci-2; do
      if podman container exists "$c" 2>/dev/null; then
        echo "--- podman logs $c (last 40 lines)"
        podman logs --tail 40 "$c" 2>&1
      fi
    done
    for f in fakex.err feed-server.log; do
      [ -s "$work/$f" ] && { echo "--- $f (last 20 lines)"; tail -n 20 "$work/$f"; }
    done
  fi
  step "clean up"
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  if [ -n "$podman_ready" ]; then
    remove_everything
    say "left in podman's storage: $(podman ps -aq | wc -l) containers, $(podman images -aq | wc -l) images, $(podman volume ls -q | wc -l) volumes"
  fi
  rm -rf "$work"
  say "removed containers, volume, images, background processes and $work"
  printf '\n%s after %d s\n' "$([ "$rc" = 0 ] && echo PASS || echo FAIL)" "$SECONDS"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
step "1. podman, runc and helpers from Debian"
packages=(podman runc conmon netavark aardvark-dns iptables fuse-overlayfs busybox-static
  curl jq ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  run apt-get update -q
  run apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "all installed: ${packages[*]}"
fi
command -v go >/dev/null || fail "go is not on PATH (the build image is made from this machine's toolchain)"
say "$(podman --version), $(runc --version | head -n 1), $(go version)"

# podman's configuration for this test only, so that nothing else on the
# machine changes: CONTAINERS_CONF and CONTAINERS_STORAGE_CONF point at it.
mkdir -p "$state"
export CONTAINERS_CONF=$state/containers.conf
export CONTAINERS_STORAGE_CONF=$state/storage.conf
cgroup_manager=systemd
[ -d /run/systemd/system ] || cgroup_manager=cgroupfs # systemd is not PID 1
cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024","nproc=1024:1024"]

[engine]
runtime = "runc"
cgroup_manager = "$cgroup_manager"
events_logger = "file"

[network]
network_backend = "netavark"
EOF

storage_conf() { # driver: overlay | fuse-overlayfs | vfs
  local driver=$1 name=$1 extra=""
  if [ "$1" = fuse-overlayfs ]; then
    driver=overlay
    extra=$'\n[storage.options.overlay]\nmount_program = "/usr/bin/fuse-overlayfs"'
  fi
  cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "$driver"
graphroot = "$state/storage-$name"
runroot = "/run/herald-ci/storage-$name"
$extra
EOF
}
driver=""
for d in overlay fuse-overlayfs vfs; do
  storage_conf "$d"
  if podman info >"$work/podman-info.txt" 2>&1; then
    driver=$d
    break
  fi
  say "storage driver $d does not work here: $(tail -n 1 "$work/podman-info.txt")"
done
[ -n "$driver" ] || fail "no storage driver works (tried overlay, fuse-overlayfs, vfs)"
say "containers.conf: $CONTAINERS_CONF"
say "storage: $driver in $state/storage-$driver ($(podman info --format '{{.Store.GraphDriverName}}, cgroups {{.Host.CgroupsVersion}}, network {{.Host.NetworkBackend}}'))"
podman_ready=1
remove_everything # leftovers of a run that could not clean up

# ---------------------------------------------------------------------------
step "2. base images, made locally"
goroot=$(go env GOROOT)
busybox=/bin/busybox # from busybox-static: /bin/sh for the build's RUN steps
[ -x "$busybox" ] || fail "$busybox is missing (busybox-static)"

# The build image: this machine's Go toolchain, a shell, CA certificates.
root=$work/go-root
mkdir -p "$root"/{bin,etc/ssl/certs,usr/local,root,go,src} "$root/tmp"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
say "copying the Go toolchain from $goroot ($(head -n 1 "$goroot/VERSION"))"
tar -C "$goroot" --exclude=./test --exclude=./doc -cf - . |
  { mkdir -p "$root/usr/local/go" && tar -C "$root/usr/local/go" -xf -; }

# The module download goes through the proxy this machine uses, over the
# host's network. This machine's module cache, when there is one, is offered
# first as a read-only file:// proxy (mounted only during the build): a
# module found there is still checked against go.sum, and nothing from it
# reaches the image but what the proxy would have sent.
host_goproxy=$(go env GOPROXY)
host_modcache=$(go env GOMODCACHE)/cache/download
goproxy=$host_goproxy
build_volumes=()
if [ -d "$host_modcache" ] && [ "$host_goproxy" != off ]; then
  goproxy="file:///host-modcache,$host_goproxy"
  build_volumes=(-v "$host_modcache:/host-modcache:ro")
fi
changes=(
  --change "ENV PATH=/usr/local/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  --change "ENV HOME=/root"
  --change "ENV GOPATH=/go"
  --change "ENV GOMODCACHE=/go/pkg/mod"
  --change "ENV GOCACHE=/root/.cache/go-build"
  --change "ENV GOTOOLCHAIN=local"
  --change "ENV GOPROXY=$goproxy"
  --change "WORKDIR /go"
  --change "CMD [\"/bin/sh\"]"
)
for v in GOFLAGS GONOSUMDB GONOPROXY GOPRIVATE GOSUMDB GOINSECURE; do
  val=$(go env "$v")
  [ -z "$val" ] || changes+=(--change "ENV $v=\"$val\"")
done
say "podman import -> $go_image (GOPROXY=$goproxy)"
tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . |
  podman import -q "${changes[@]}" --message "herald CI build image" - "$go_image" >/dev/null
rm -rf "$root"

# The runtime image: an empty root, like distroless/static:nonroot without
# its files: the user 65532 and /tmp. The Dockerfile adds the rest.
root=$work/runtime-root
mkdir -p "$root"/{etc,tmp,home/nonroot}
chmod 1777 "$root/tmp"
chmod 700 "$root/home/nonroot"
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
say "podman import -> $runtime_image"
chown 65532:65532 "$root/home/nonroot"
tar -C "$root" --numeric-owner -cf - . |
  podman import -q --change "USER 65532:65532" --change "WORKDIR /home/nonroot" \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --message "herald CI runtime image" - "$runtime_image" >/dev/null
rm -rf "$root"
podman images --format '   {{.Repository}}:{{.Tag}}  {{.Size}}' --filter reference='localhost/herald-*'

# ---------------------------------------------------------------------------
step "3. build $image from the Dockerfile"
build_start=$SECONDS
run timeout 900 podman build --pull=never --format docker --network host \
  --build-arg GO_IMAGE="$go_image" --build-arg RUNTIME_IMAGE="$runtime_image" \
  --build-arg VERSION=ci "${build_volumes[@]}" -t "$image" -f Dockerfile .
say "built in $((SECONDS - build_start)) s"

size=$(podman image inspect --format '{{.Size}}' "$image")
size_mib=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }')
say "$image: $size_mib MiB"

step "4. the image's configuration and files"
# podman shows the Dockerfile's HEALTHCHECK beside the OCI config.
cfg=$(podman image inspect --format '{{json .Config}}' "$image" |
  jq -c --argjson hc "$(podman image inspect --format '{{json .HealthCheck}}' "$image")" '. + {Healthcheck: $hc}')
check_cfg() { # jq filter, expected JSON, what
  local got
  got=$(jq -c "$1" <<<"$cfg")
  [ "$got" = "$2" ] || fail "image $3: got $got, want $2"
  say "$3: $got"
}
check_cfg '.User' '"65532:65532"' "user"
check_cfg '.Entrypoint' '["herald"]' "entrypoint"
check_cfg '.Cmd' '["run"]' "cmd"
check_cfg '.ExposedPorts | keys' '["8080/tcp"]' "exposed ports"
check_cfg '.Volumes | keys' '["/data"]' "volumes"
check_cfg '.Healthcheck.Test' '["CMD","herald","healthcheck"]' "healthcheck"

# podman runs the image's HEALTHCHECK from systemd timers: without systemd
# the containers go without it, and this script runs the same command once
# by hand (podman exec … herald healthcheck), for information only.
health_opts=()
[ "$cgroup_manager" = systemd ] || health_opts=(--no-healthcheck)
run podman create --pull=never "${health_opts[@]}" --name herald-ci-probe "$image" >/dev/null
podman export herald-ci-probe | tar -t | sed -e 's|^\./||' -e '/^$/d' | sort >"$work/files.txt"
for f in usr/local/bin/herald etc/ssl/certs/ca-certificates.crt etc/passwd data/; do
  grep -qx "$f" "$work/files.txt" || fail "the image lacks /$f"
done
if grep -Eqx 'bin/(sh|busybox|bash)|usr/bin/curl' "$work/files.txt"; then
  fail "the image holds a shell or curl"
fi
say "files: $(grep -v '/$' "$work/files.txt" | tr '\n' ' ')"
podman cp herald-ci-probe:/usr/local/bin/herald "$work/herald"
podman rm -v herald-ci-probe >/dev/null
build_info=$(go version -m "$work/herald")
for want in 'CGO_ENABLED=0' '-trimpath=true' '-tags=timetzdata'; do
  grep -qF -- "$want" <<<"$build_info" || fail "the binary was not built with $want"
done
say "binary (go version -m): CGO_ENABLED=0, -trimpath=true, -tags=timetzdata"
got=$(podman run --rm --pull=never "${health_opts[@]}" "$image" version)
# The first line is the version; the commit and the Go version follow.
[ "${got%%$'\n'*}" = "herald ci" ] || fail "herald version printed \"$got\", want \"herald ci\" first"
say "podman run $image version: ${got//$'\n'/; }"

# ---------------------------------------------------------------------------
step "5. the fake X and a feed, served from this machine"
# Both listen on every address: the containers reach the host at
# host.containers.internal, the gateway of podman's bridge, which exists
# only once a container runs. The ports are chosen by the kernel or at
# random and live as long as this script.
go build -o "$work/fakex" ./internal/publish/x/xfake/cmd/fakex
x_keys=(-consumer-key ci-consumer-key -consumer-secret ci-consumer-secret
  -access-token ci-access-token -access-secret ci-access-secret)
"$work/fakex" -listen 0.0.0.0:0 "${x_keys[@]}" >"$work/fakex.out" 2>"$work/fakex.err" &
pids+=($!)
for _ in $(seq 100); do
  [ -s "$work/fakex.out" ] && break
  sleep 0.1
done
x_port=$(head -n 1 "$work/fakex.out" | sed -n 's|^http://.*:\([0-9]*\)$|\1|p')
[ -n "$x_port" ] || fail "fakex printed no address: $(cat "$work/fakex.out" "$work/fakex.err")"
x_local=http://127.0.0.1:$x_port
say "fake X on :$x_port"

port_in_use() {
  local hex
  hex=$(printf ':%04X' "$1")
  awk -v h="$hex" '$4 == "0A" && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' \
    /proc/net/tcp /proc/net/tcp6
}
feed_port=""
for _ in $(seq 50); do
  p=$((20000 + RANDOM % 30000))
  port_in_use "$p" || { feed_port=$p; break; }
done
[ -n "$feed_port" ] || fail "no free port for the feed server"
site=http://host.containers.internal:$feed_port
www=$work/www
mkdir -p "$www/articles"

article() { # slug title lede
  cat >"$www/articles/$1.html" <<EOF
<!doctype html><html><head><title>$2</title>
<meta property="og:title" content="$2"><meta property="og:description" content="$3">
</head><body><article><h1>$2</h1><p>$3</p></article></body></html>
EOF
}
item() { # slug title lede pubDate
  cat <<EOF
<item>
  <title>$2</title>
  <link>$site/articles/$1.html</link>
  <guid isPermaLink="false">herald-ci-$1</guid>
  <pubDate>$4</pubDate>
  <description>$3</description>
</item>
EOF
}
write_feed() { # items…
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<rss version="2.0"><channel>'
    echo "<title>The Herald CI Courier</title><link>$site/</link>"
    echo '<description>Stories for the container test.</description>'
    printf '%s\n' "$@"
    echo '</channel></rss>'
  } >"$www/feed.xml.tmp"
  mv "$www/feed.xml.tmp" "$www/feed.xml"
}
old_title="Library opens its new reading room"
old_lede="The town library opened its new reading room on Monday after two years of work."
article old "$old_title" "$old_lede"
old_item=$(item old "$old_title" "$old_lede" "$(date -u -R -d '-1 hour')")
write_feed "$old_item"
touch -d '-1 minute' "$www/feed.xml" # Last-Modified well before any change below

busybox httpd -f -vv -p "0.0.0.0:$feed_port" -h "$www" 2>"$work/feed-server.log" &
pids+=($!)
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$feed_port/feed.xml" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$feed_port/feed.xml" || fail "the feed server does not answer"
say "feed on :$feed_port, served by busybox httpd ($site/feed.xml from the containers)"
feed_fetches() { grep -c 'url:/feed.xml' "$work/feed-server.log" || true; }

secrets=$work/secrets
mkdir -p "$secrets"
printf '%s\n' ci-consumer-key >"$secrets/x_consumer_key"
printf '%s\n' ci-consumer-secret >"$secrets/x_consumer_secret"
printf '%s\n' ci-access-token >"$secrets/x_access_token"
printf '%s\n' ci-access-secret >"$secrets/x_access_secret"
chmod 755 "$secrets"
chmod 444 "$secrets"/*

x_posts() { curl -fsS "$x_local/_fake/posts" | jq -c '. // []'; }
x_calls() { curl -fsS "$x_local/_fake/calls" | jq .calls; }

# ---------------------------------------------------------------------------
start_herald() { # name first-run
  run podman run -d --pull=never "${health_opts[@]}" --name "$1" \
    -p 127.0.0.1::8080 \
    -v "$volume:/data" \
    -v "$secrets:/run/secrets:ro" \
    -e HERALD_FEEDS="$site/feed.xml" \
    -e HERALD_X_API_URL="http://host.containers.internal:$x_port" \
    -e HERALD_X_CONSUMER_KEY_FILE=/run/secrets/x_consumer_key \
    -e HERALD_X_CONSUMER_SECRET_FILE=/run/secrets/x_consumer_secret \
    -e HERALD_X_ACCESS_TOKEN_FILE=/run/secrets/x_access_token \
    -e HERALD_X_ACCESS_SECRET_FILE=/run/secrets/x_access_secret \
    -e HERALD_POLL_INTERVAL=1s \
    -e HERALD_MIN_POST_INTERVAL=0s \
    -e HERALD_FIRST_RUN="$2" \
    -e HERALD_ALLOW_PRIVATE_URLS=true \
    "$image" >/dev/null
  addr=$(podman port "$1" 8080/tcp | head -n 1)
  [ -n "$addr" ] || fail "$1: port 8080 is not published"
  say "$1 publishes 8080 on $addr"
}

wait_healthy() { # name
  local code=""
  for _ in $(seq 60); do
    [ "$(podman inspect --format '{{.State.Running}}' "$1")" = true ] ||
      fail "$1 exited with $(podman inspect --format '{{.State.ExitCode}}' "$1")"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/healthz" || true)
    [ "$code" = 200 ] && break
    sleep 0.5
  done
  [ "$code" = 200 ] || fail "GET http://$addr/healthz answered ${code:-nothing} within 30 s"
  say "GET http://$addr/healthz: 200"
}

wait_fetches() { # count-before n
  for _ in $(seq 60); do
    [ "$(feed_fetches)" -ge $(($1 + $2)) ] && return 0
    sleep 0.5
  done
  fail "herald fetched the feed $(($(feed_fetches) - $1)) times in 30 s, want $2"
}

stop_herald() { # name
  local t0 t1 ms code
  t0=$(date +%s%N)
  run podman stop -t 10 "$1" >/dev/null
  t1=$(date +%s%N)
  ms=$(((t1 - t0) / 1000000))
  code=$(podman inspect --format '{{.State.ExitCode}}' "$1")
  say "podman stop -t 10 $1: exit code $code after $ms ms"
  [ "$code" = 0 ] || fail "$1 exited with $code on SIGTERM, want 0"
  [ "$ms" -lt 10000 ] || fail "$1 took $ms ms to stop, want < 10 s (it was killed)"
}

step "6. herald in a container: health, user, first fetch"
run podman volume create "$volume" >/dev/null
before=$(feed_fetches)
start_herald herald-ci-1 skip
wait_healthy herald-ci-1

pid=$(podman inspect --format '{{.State.Pid}}' herald-ci-1)
uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
gids=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
say "podman top: $(podman top herald-ci-1 user huser group comm | tail -n +2 | tr -s ' ')"
say "/proc/$pid/status (host): Uid $uids, Gid $gids, comm $(cat "/proc/$pid/comm")"
[ "$uids" = "65532 65532 65532 65532" ] || fail "herald runs with uids $uids, want 65532"
[ "$gids" = "65532 65532 65532 65532" ] || fail "herald runs with gids $gids, want 65532"
[ "$(cat "/proc/$pid/comm")" = herald ] || fail "the container's process is not herald"

hc=$(timeout 20 podman exec herald-ci-1 herald healthcheck 2>&1) && hc_rc=0 || hc_rc=$?
hc=$(head -n 2 <<<"$hc" | tr '\n' ' ')
say "the image's HEALTHCHECK, herald healthcheck (informational only): exit $hc_rc${hc:+: $hc}"

wait_fetches "$before" 2 # the first fetch is recorded (first run: skip)
say "herald fetched the feed $(($(feed_fetches) - before)) times"
n=$(x_posts | jq length)
[ "$n" = 0 ] || fail "X has $n posts after the first fetch, want 0 (HERALD_FIRST_RUN=skip)"
say "X has no posts: the feed's existing story was skipped"

step "7. a new story is posted exactly once"
token=$(date +%s)-$RANDOM
new_title="Bridge over the river reopens $token"
new_lede="The bridge over the river reopened to traffic on Tuesday after repairs to its deck."
article "new-$token" "$new_title" "$new_lede"
write_feed "$(item "new-$token" "$new_title" "$new_lede" "$(date -u -R)")" "$old_item"
say "added \"$new_title\" to the feed"
found=0
for _ in $(seq 60); do
  found=$(x_posts | jq --arg t "$new_title" '[.[] | select(.text | contains($t))] | length')
  [ "$found" -ge 1 ] && break
  sleep 0.5
done
[ "$found" -ge 1 ] || fail "X got no post with \"$new_title\" within 30 s"
sleep 2 # a second post, if there were one, would come now
posts=$(x_posts)
n=$(jq length <<<"$posts")
[ "$n" = 1 ] || fail "X has $n posts, want exactly 1: $posts"
say "X has 1 post: $(jq -r '.[0].text' <<<"$posts" | tr '\n' ' ')"
calls=$(x_calls)
say "create calls to X so far: $calls"

step "8. SIGTERM"
stop_herald herald-ci-1

step "9. a new container on the same volume posts nothing again"
mnt=$(podman volume inspect --format '{{.Mountpoint}}' "$volume")
db_owner=$(stat -c %u:%g "$mnt/herald.db" 2>/dev/null) || fail "no herald.db on the volume ($mnt)"
say "the volume holds herald.db, owned by $db_owner"
[ "$db_owner" = 65532:65532 ] || fail "herald.db is owned by $db_owner, want 65532:65532"
# HERALD_FIRST_RUN=all would post both stories if herald did not remember
# the feed: so this run shows that the database on the volume is used.
before=$(feed_fetches)
start_herald herald-ci-2 all
wait_healthy herald-ci-2
wait_fetches "$before" 4
say "herald fetched the feed $(($(feed_fetches) - before)) times"
sleep 1
posts=$(x_posts)
n=$(jq length <<<"$posts")
[ "$n" = 1 ] || fail "X has $n posts after the restart, want still 1: $posts"
[ "$(x_calls)" = "$calls" ] || fail "herald called X again after the restart ($(x_calls) calls, was $calls)"
say "X still has 1 post, and herald made no new call to X"
stop_herald herald-ci-2

printf '\n'
echo "image size: $size_mib MiB"
