# Podium: a static binary on a minimal base. Templates, static files, catalogs and
# migrations are embedded; the one file beside it is the CJK font certificates are
# set in (Debian's fonts-droid-fallback, found at run time, PODIUM_CJK_FONT).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-droid-fallback \
    && rm -rf /var/lib/apt/lists/*
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/podium ./cmd/podium && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/podium /usr/local/bin/podium
COPY --from=build /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
# A named volume on /data starts from this directory, so uploads are writable by nonroot.
COPY --from=build --chown=65532:65532 /out/data /data
ENV PODIUM_ADDR=:8080 PODIUM_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/podium"]
CMD ["serve"]
