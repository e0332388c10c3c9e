#!/usr/bin/env bash
# Builds the real CLIProxyAPI server used by the contract tests into .cache/bin/cliproxyapi-server.
# `go install module/cmd/server@version` fails here while the proxy refuses the module's version list
# ("loading deprecation ... 403"), so we resolve the exact version in a scratch module and build from it.
# GOSUMDB is turned off for that scratch module only: some pinned pseudo-versions are not in the checksum
# database; the module proxy still serves them. Idempotent: does nothing when the binary is there.
set -euo pipefail
VERSION="${CLIPROXYAPI_VERSION:-v7.2.140}"
MODULE="github.com/router-for-me/CLIProxyAPI/v7"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.cache/bin/cliproxyapi-server"
if [ -x "$out" ] && [ "$(cat "$out.version" 2>/dev/null)" = "$VERSION" ]; then
  echo "cliproxyapi-server $VERSION already built at $out"
  exit 0
fi
command -v go >/dev/null || { echo "install-cliproxyapi: Go is not installed (need go >= 1.24)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"
cd "$work"
go mod init cliproxyapi-build >/dev/null 2>&1
export GOSUMDB=off GOFLAGS="-mod=mod -buildvcs=false"
go get "$MODULE/cmd/server@$VERSION"
go build -ldflags "-X main.Version=$VERSION" -o "$out" "$MODULE/cmd/server"
echo "$VERSION" > "$out.version"
echo "built cliproxyapi-server $VERSION at $out"
