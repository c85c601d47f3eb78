# herald's container image: one static binary on a minimal, non-root base.
#
#   docker build -t herald --build-arg VERSION=1.2.3 --build-arg COMMIT=$(git rev-parse HEAD) .
#
# It needs BuildKit for the RUN --mount below: the default builder of Docker
# 23 and later, of podman and of buildah. With an older Docker, build with
# DOCKER_BUILDKIT=1 docker build … (or docker buildx build …).
#
# The base images are build arguments so that the same file builds from
# locally made images where no registry can be reached (.ci/container/test.sh
# does that with podman). GO_IMAGE needs the Go toolchain, a shell and CA
# certificates; RUNTIME_IMAGE needs nothing but a user 65532 ("nonroot").
# The defaults are fully qualified, so podman and other tools that refuse
# short names find them without a registries.conf.
ARG GO_IMAGE=docker.io/library/golang:1.26-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
WORKDIR /src
ENV CGO_ENABLED=0 \
    GOCACHE=/cache/go-build
# The modules first, in their own layer: it is rebuilt only when go.mod or
# go.sum change, not on every edit of the code.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The commit, for herald version: .git stays out of the build context.
ARG COMMIT=
# -tags timetzdata embeds the time-zone database in the binary, so the
# runtime image needs no /usr/share/zoneinfo. The cache mount keeps Go's
# build cache between builds without putting it into a layer (BuildKit, the
# default builder since Docker 23, and buildah/podman).
RUN --mount=type=cache,target=/cache/go-build \
    go build -trimpath -tags timetzdata \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/herald ./cmd/herald \
 && /out/herald version \
 && mkdir -p /out/data

FROM ${RUNTIME_IMAGE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="herald" \
      org.opencontainers.image.description="posts a newsroom's new articles to its social accounts" \
      org.opencontainers.image.source="https://github.com/heraldhq/herald" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/herald /usr/local/bin/herald
# /data belongs to the user herald runs as, so a new named volume does too.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HERALD_DATABASE=/data/herald.db \
    HERALD_LISTEN=:8080
VOLUME /data
EXPOSE 8080
# No shell and no curl in the image: herald checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["herald", "healthcheck"]
ENTRYPOINT ["herald"]
CMD ["run"]
