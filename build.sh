#!/usr/bin/env bash
# MalariaLab build entry point: restores the local .NET tools (Cake) and runs build/build.cake.
# Works from any directory; every argument goes to Cake (e.g. --target=Train); returns Cake's exit code.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Relative paths in arguments (--dataset-source=../x.zip) are resolved against where the user stands.
export MALARIALAB_CALLER_DIR="$PWD"
# The arguments exactly as typed, NUL-separated, so the Cake task hands them to the CLI as a list (no re-quoting).
args_file="$(mktemp "${TMPDIR:-/tmp}/malarialab-args.XXXXXX")"
trap 'rm -f "$args_file"' EXIT
if [ "$#" -gt 0 ]; then printf '%s\0' "$@" > "$args_file"; fi
export MALARIALAB_ARGS_FILE="$args_file"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
dotnet cake build/build.cake "$@"
