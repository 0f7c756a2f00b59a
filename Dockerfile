# syntax=docker/dockerfile:1.7
#
# One image for every PortTrack service: the `porttrack` binary, run with the
# service as its command (`porttrack ships`, `porttrack ingest`, ...).
#
#   docker build --build-arg VERSION=1.2.3 --build-arg REVISION=$(git rev-parse HEAD) \
#     -t ghcr.io/porttrack/porttrack:v1.2.3 .
#
# Stages: `chef` (toolchain + cargo-chef), `planner` (dependency recipe from
# the manifests only), `builder` (dependencies cooked in their own cached
# layer, then our crates), `runtime` (distroless, non-root, binary only).

ARG RUST_VERSION=1.90

FROM rust:${RUST_VERSION}-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
# librdkafka is built from source by rdkafka-sys; zlib is linked statically so
# the runtime image needs nothing beyond glibc, libgcc and OpenSSL.
ENV LIBZ_SYS_STATIC=1 \
    CARGO_TERM_COLOR=never
COPY --from=planner /src/recipe.json recipe.json
# This layer changes only when Cargo.toml/Cargo.lock do.
RUN cargo chef cook --release --locked --package porttrack --recipe-path recipe.json
COPY . .
RUN cargo build --release --locked --package porttrack --bin porttrack \
    && install -D -m 0755 target/release/porttrack /out/porttrack

# distroless/cc: glibc, libgcc, OpenSSL, CA certificates; no shell, no package
# manager. The `nonroot` variant runs as UID/GID 65532.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
LABEL org.opencontainers.image.title="porttrack" \
      org.opencontainers.image.description="PortTrack: AIS ingest and port-operations services (ingest, ships, routes, cargo, staff)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="https://github.com/porttrack/porttrack" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="PortTrack"
COPY --from=builder /out/porttrack /usr/local/bin/porttrack
# In a container the services listen on every interface; the chart sets the
# same, these defaults are for `docker run`.
ENV PORTTRACK_HTTP_ADDR=0.0.0.0:8080 \
    PORTTRACK_GRPC_ADDR=0.0.0.0:50051 \
    PORTTRACK_NMEA_ADDR=0.0.0.0:10110 \
    PORTTRACK_DATA_DIR=/tmp/porttrack
USER 65532:65532
EXPOSE 8080 50051 10110 10110/udp
ENTRYPOINT ["/usr/local/bin/porttrack"]
CMD ["--help"]
