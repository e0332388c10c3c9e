#!/usr/bin/env bash
# Builds the real CLIProxyAPIPlus server (the Kiro-capable fork) used by the contract tests into
# .cache/bin/cliproxyapiplus-server. The fork is not served by the Go module proxy, so its pinned source
# archive lives in ../shared/fixtures/cliproxyapiplus/ (relative to the repo root); only its dependencies
# come from the module proxy, checked against go.sum (-mod=readonly). Idempotent: does nothing when the
# binary for this version is already there.
set -euo pipefail
VERSION="${CLIPROXYAPIPLUS_VERSION:-v6.9.2-0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
archive="cliproxyapiplus-$VERSION.tar.gz"
# The fixtures sit beside the main checkout; a git worktree elsewhere finds them beside the checkout that
# owns its .git directory. CLIPROXYAPIPLUS_SRC names the archive explicitly.
src="${CLIPROXYAPIPLUS_SRC:-$root/../shared/fixtures/cliproxyapiplus/$archive}"
if [ ! -f "$src" ] && [ -z "${CLIPROXYAPIPLUS_SRC:-}" ]; then
  common="$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
  [ -n "$common" ] && src="$(dirname "$common")/../shared/fixtures/cliproxyapiplus/$archive"
fi
out="$root/.cache/bin/cliproxyapiplus-server"
if [ -x "$out" ] && [ "$(cat "$out.version" 2>/dev/null)" = "$VERSION" ]; then
  echo "cliproxyapiplus-server $VERSION already built at $out"
  exit 0
fi
command -v go >/dev/null || { echo "install-cliproxyapiplus: Go is not installed (need go >= 1.26)" >&2; exit 1; }
[ -f "$src" ] || { echo "install-cliproxyapiplus: source archive not found at $src" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"
tar -xzf "$src" -C "$work"
cd "$work"
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"
go mod download
# Build to a temporary name first so a half-written binary never passes the check above.
go build -trimpath -ldflags "-s -w -X main.Version=$VERSION" -o "$out.tmp" ./cmd/server
mv "$out.tmp" "$out"
echo "$VERSION" > "$out.version"
echo "built cliproxyapiplus-server $VERSION at $out"
