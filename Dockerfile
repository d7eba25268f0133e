# Podium: a static binary on a minimal base. Templates, static files, catalogs and
# migrations are embedded, so the image needs nothing else.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/podium ./cmd/podium && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/podium /usr/local/bin/podium
# A named volume on /data starts from this directory, so uploads are writable by nonroot.
COPY --from=build --chown=65532:65532 /out/data /data
ENV PODIUM_ADDR=:8080 PODIUM_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/podium"]
CMD ["serve"]
