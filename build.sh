#!/usr/bin/env bash
# MalariaLab build entry point: restores the local .NET tools (Cake) and runs build/build.cake.
# Works from any directory; every argument goes to Cake (e.g. --target=Train); returns Cake's exit code.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Relative paths in arguments (--dataset-source=../x.zip) are resolved against where the user stands.
export MALARIALAB_CALLER_DIR="$PWD"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
exec dotnet cake build/build.cake "$@"
