# herald's container image: a static binary on a minimal, non-root base.
# The base images are build arguments so that the same file builds from
# locally made images where no registry can be reached.
ARG GO_IMAGE=golang:1.26-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags "-s -w -X main.version=${VERSION}" -o /out/herald ./cmd/herald \
 && mkdir -p /out/data

FROM ${RUNTIME_IMAGE}
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/herald /usr/local/bin/herald
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV HERALD_DATABASE=/data/herald.db \
    HERALD_LISTEN=:8080
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["herald"]
CMD ["run"]
