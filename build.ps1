#!/usr/bin/env pwsh
# MalariaLab build entry point (Windows, macOS, Linux): restores the local .NET tools (Cake) and runs
# build/build.cake. Works from any directory; every argument goes to Cake; returns Cake's exit code.
$ErrorActionPreference = 'Stop'
# Relative paths in arguments are resolved against where the user stands.
$env:MALARIALAB_CALLER_DIR = (Get-Location).Path
# The arguments exactly as typed, NUL-separated, so the Cake task hands them to the CLI as a list (no re-quoting).
$argsFile = [System.IO.Path]::GetTempFileName()
[System.IO.File]::WriteAllText($argsFile, (($args | ForEach-Object { "$_" + [char]0 }) -join ''), (New-Object System.Text.UTF8Encoding $false))
$env:MALARIALAB_ARGS_FILE = $argsFile
try {
    Set-Location -LiteralPath $PSScriptRoot
    $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
    $env:DOTNET_NOLOGO = '1'
    dotnet tool restore | Out-Null
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    dotnet cake build/build.cake @args
    $code = $LASTEXITCODE
}
finally {
    Remove-Item -LiteralPath $argsFile -ErrorAction SilentlyContinue
}
exit $code
