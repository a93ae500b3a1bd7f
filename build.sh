#!/usr/bin/env bash
# MalariaLab build entry point. Works from any directory and returns the exit code of what it ran.
#  - Stage targets (Train, Predict, Status, Runs, ...) call the CLI directly: stdout carries only the command's
#    output (pipe it: `./build.sh --target=Runs --format=json > runs.json`), logs go to stderr, and nothing pays
#    Cake's start-up. The solution is built first (its output on stderr) when a source file is newer than the CLI.
#  - Build, Test, Clean, Cluster, Help and the rest go to Cake (build/build.cake), which declares every target.
# Every argument but --target/--configuration/--verbosity reaches the CLI exactly as typed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Relative paths in arguments (--dataset-source=../x.zip) are resolved against where the user stands.
export MALARIALAB_CALLER_DIR="$PWD"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

target="" configuration="Release" rest=() help=0 version=0 exclusive=0 cake_only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --target=*) target="${1#*=}" ;;
        --target|-t) target="${2:-}"; shift ;;
        --configuration=*) configuration="${1#*=}" ;;
        --configuration|-c) configuration="${2:-}"; shift ;;
        --verbosity=*|-v=*) cake_only+=("$1") ;;
        --verbosity|-v) cake_only+=("$1" "${2:-}"); shift ;;
        --exclusive|-e) exclusive=1; cake_only+=("$1") ;;  # Cake: without dependencies; here: without the build check
        --dryrun|--tree|--description) cake_only+=("$1") ;;
        --help|-h) help=1; rest+=("$1") ;;
        --version) version=1; rest+=("$1") ;;
        *) rest+=("$1") ;;
    esac
    shift
done

# Target → CLI call, from build/targets.tsv (generated from the CLI's commands; an empty call is a Cake task).
command="" call=()
if [ -n "$target" ]; then
    line="$(awk -F'\t' -v t="${target,,}" '!/^#/ && tolower($1) == t { print $2; exit }' "$root/build/targets.tsv")"
    if [ -n "$line" ]; then read -r -a call <<< "$line"; command="${call[0]}"; rest=("${call[@]:1}" "${rest[@]+"${rest[@]}"}"); fi
fi
cli="$root/src/MalariaLab.Cli/bin/$configuration/net10.0/MalariaLab.Cli.dll"
if [ -z "$target" ] && [ "$version" = 1 ]; then command="--version"; rest=(); fi

if [ -n "$command" ]; then
    cd "$root"
    # Build when a source file (or the build settings) is newer than the CLI; the build log goes to stderr.
    newer="$( [ -f "$cli" ] && find src build/msbuild Directory.Build.props Directory.Build.targets Directory.Packages.props global.json \
        \( -name bin -o -name obj \) -prune -o -type f -newer "$cli" -print -quit 2>/dev/null || echo missing)"
    if [ -n "$newer" ] && [ "$exclusive" = 0 ]; then
        echo "build.sh: building (${newer#"$root/"} is newer than the CLI)" >&2
        dotnet build MalariaLab.slnx -c "$configuration" -nologo -v quiet >&2
        touch "$cli"  # an up-to-date build may leave the CLI's own file untouched
    fi
    if [ "$command" = "--version" ]; then exec dotnet "$cli" --version; fi
    exec dotnet "$cli" "$command" "${rest[@]+"${rest[@]}"}"
fi

# ./build.sh --help: the targets, without Cake's start-up (Cake's own list: --target=Help).
if [ -z "$target" ] && [ "$help" = 1 ]; then
    echo "MalariaLab: ./build.sh --target=NAME [options]   (every target and option: docs/cli.md; a target's options: --target=NAME --help)"
    awk -F'\t' '!/^#/ { printf "  %-10s %s\n", $1, $3 }' "$root/build/targets.tsv"
    echo "  ./build.sh --version: the code identity, commit, TorchSharp/LibTorch versions and the CPU instruction set."
    exit 0
fi

# Everything else through Cake: the raw arguments NUL-separated in a file, so the Cake task hands them on as a list.
if false; then :; else set -- ${target:+--target="$target"} --configuration="$configuration" "${cake_only[@]+"${cake_only[@]}"}" "${rest[@]+"${rest[@]}"}"; fi
args_file="$(mktemp "${TMPDIR:-/tmp}/malarialab-args.XXXXXX")"
trap 'rm -f "$args_file"' EXIT
if [ "$#" -gt 0 ]; then printf '%s\0' "$@" > "$args_file"; fi
export MALARIALAB_ARGS_FILE="$args_file"
cd "$root"
dotnet tool restore >/dev/null
dotnet cake build/build.cake "$@"
