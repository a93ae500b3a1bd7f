#!/usr/bin/env pwsh
# MalariaLab build entry point (Windows, macOS, Linux): restores the local .NET tools (Cake) and runs
# build/build.cake. Works from any directory; every argument goes to Cake; returns Cake's exit code.
$ErrorActionPreference = 'Stop'
# Relative paths in arguments are resolved against where the user stands.
$env:MALARIALAB_CALLER_DIR = (Get-Location).Path
Set-Location -LiteralPath $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
dotnet tool restore | Out-Null
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
dotnet cake build/build.cake @args
exit $LASTEXITCODE
