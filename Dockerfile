# syntax=docker/dockerfile:1
#
# imgpipe services: one Dockerfile for the four images, chosen with MODULE
#   rest-gateway  the HTTP API (uploads, results, the page, live updates)
#   transformer   consumes jobs, transforms images, replies and fans out results
#   save2db       keeps originals and results in PostgreSQL
#   logger        keeps every activity event (PostgreSQL table and log lines)
#
# Build from the repository root, because a module needs the parent POM and the contract and runtime modules:
#   docker build --build-arg MODULE=transformer -t imgpipe/transformer .
# docker-compose.yml builds this file once per service with the same context.
#
# Build arguments (pass RUNTIME and JARS explicitly where the builder is buildah/podman: buildah 1.28 does not
# apply a global ARG's default inside FROM, and would look for an image named "runtime-"):
#   MODULE         rest-gateway | transformer | save2db | logger                 (required)
#   RUNTIME        temurin (default) | debian: the JRE the service runs on (see the runtime-debian stage)
#   JARS           maven (default): compile inside the build with BUILD_IMAGE
#                  prebuilt: copy a jar built on the host; the build context is then the module's target/
#                    ./mvnw -B package -DskipTests -pl transformer -am
#                    docker build -f Dockerfile --build-arg MODULE=transformer --build-arg JARS=prebuilt transformer/target
#   BUILD_IMAGE    Maven + JDK 17 for JARS=maven              (default maven:3.9-eclipse-temurin-17)
#   TEMURIN_IMAGE  the JRE image of RUNTIME=temurin           (default eclipse-temurin:17-jre)
#   DEBIAN_IMAGE   the Debian image of RUNTIME=debian         (default debian:bookworm-slim)
# The three images are settings so that a machine without access to a registry can build from local images
# (infra/test/compose-it does: a Debian made with debootstrap).

ARG MODULE
ARG RUNTIME=temurin
ARG JARS=maven
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG TEMURIN_IMAGE=eclipse-temurin:17-jre
ARG DEBIAN_IMAGE=debian:bookworm-slim

# ---- the jar, variant A: built here with Maven (default) ----------------------------------------------------
FROM ${BUILD_IMAGE} AS jars-maven
ARG MODULE
WORKDIR /src
# The whole reactor is copied (.dockerignore keeps target/, .git and docs out) because Maven reads every
# module's POM even when -pl selects one; -am then compiles only this module and what it depends on.
COPY . .
# The cache mount keeps ~/.m2 between builds, so a source change does not download the dependencies again.
RUN --mount=type=cache,target=/root/.m2 \
    test -n "${MODULE}" || { echo "build with --build-arg MODULE=rest-gateway|transformer|save2db|logger" >&2; exit 1; }; \
    mvn -B -pl "${MODULE}" -am -DskipTests package \
 && cp "${MODULE}"/target/imgpipe-*-all.jar /app.jar

# ---- the jar, variant B: built on the host (context = <module>/target) --------------------------------------
FROM scratch AS jars-prebuilt
COPY imgpipe-*-all.jar /app.jar

FROM jars-${JARS} AS jars

# ---- the runtime, variant A: Eclipse Temurin JRE (default) --------------------------------------------------
# libturbojpeg is the transformer's fast JPEG path, libheif1 its HEIC/AVIF codec; they are installed in every image
# so that the four share this layer. The package is libturbojpeg0 on Debian and libturbojpeg on Ubuntu (Temurin's
# images are Ubuntu). libheif 1.15 (Debian 12) links libde265, dav1d and libaom itself; from 1.16 (Ubuntu 24.04,
# Debian 13) they are plugin packages, which --no-install-recommends would leave out: HEIC input would then fail
# naming the missing HEVC decoder.
FROM ${TEMURIN_IMAGE} AS runtime-temurin
RUN apt-get update \
 && if apt-cache show libturbojpeg0 >/dev/null 2>&1; then turbojpeg=libturbojpeg0; else turbojpeg=libturbojpeg; fi \
 && heif=libheif1; for plugin in libheif-plugin-libde265 libheif-plugin-dav1d libheif-plugin-aomenc; do \
      if apt-cache show "$plugin" >/dev/null 2>&1; then heif="$heif $plugin"; fi; done \
 && apt-get install -y --no-install-recommends curl "$turbojpeg" $heif \
 && rm -rf /var/lib/apt/lists/*

# ---- the runtime, variant B: Debian's OpenJDK 17 ------------------------------------------------------------
# Debian builds its OpenJDK against the system libjpeg-turbo, where Temurin bundles the JDK's own libjpeg 6b:
# on this project's test machine Debian's OpenJDK 17 was 1.5-2x faster at JPEG than Temurin (25, the build
# measured there). Worth it for the transformer; makes no difference to services that never touch pixels.
FROM ${DEBIAN_IMAGE} AS runtime-debian
RUN apt-get update \
 && heif=libheif1; for plugin in libheif-plugin-libde265 libheif-plugin-dav1d libheif-plugin-aomenc; do \
      if apt-cache show "$plugin" >/dev/null 2>&1; then heif="$heif $plugin"; fi; done \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl ca-certificates libturbojpeg0 $heif \
 && rm -rf /var/lib/apt/lists/*

# ---- the image ----------------------------------------------------------------------------------------------
FROM runtime-${RUNTIME}
RUN groupadd --system --gid 10001 imgpipe \
 && useradd --system --uid 10001 --gid imgpipe --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin imgpipe
WORKDIR /app
# Declared after the shared layers above, so that the four images differ only from here on.
ARG MODULE
LABEL org.opencontainers.image.title="imgpipe-${MODULE}"
COPY --from=jars /app.jar /app/app.jar

# The heap follows the container's memory limit (mem_limit in docker-compose.yml); the rest is left for
# metaspace, thread stacks and the direct buffers of the AMQP and HTTP clients. A JVM that runs out of
# memory exits so that the restart policy replaces it rather than limping on.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true"
# The gateway serves HTTP (and its health) on IMGPIPE_HTTP_PORT; the workers serve health and metrics on
# IMGPIPE_ADMIN_PORT. Each ignores the other's variable.
ENV IMGPIPE_HTTP_PORT=8080 IMGPIPE_ADMIN_PORT=9090
USER 10001:10001
EXPOSE 8080 9090

# Liveness, not readiness: Docker can only mark the container unhealthy, and a gateway or worker waiting for
# the broker or the database is not broken. Readiness (/health/ready) is what HAProxy checks. A worker answers
# on the admin port, the gateway on its HTTP port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=3 \
  CMD curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${IMGPIPE_ADMIN_PORT}/health/live" \
   || curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${IMGPIPE_HTTP_PORT}/health/live" || exit 1

# exec: java becomes PID 1 and receives SIGTERM, so the shutdown hook closes consumers and connections.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar \"$@\"", "imgpipe"]
