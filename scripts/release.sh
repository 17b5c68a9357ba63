#!/usr/bin/env bash
# Builds the ready-to-run archives in dist/, for people who have no Rust (and can't install it),
# then checks each one starts from a clean folder.
#
#   scripts/release.sh              # on Linux: the Windows .zip and the static Linux .tar.gz
#   scripts/release.sh TARGET...    # chosen targets (the Rust target names below)
#
# On a Mac, the same script builds the macOS archives (Apple silicon and Intel):
#
#   rustup target add aarch64-apple-darwin x86_64-apple-darwin
#   scripts/release.sh              # dist/convene-VERSION-macos-arm64.tar.gz, -macos-x86_64.tar.gz
#
# | target                     | archive                               | built with            |
# |----------------------------|---------------------------------------|-----------------------|
# | x86_64-pc-windows-gnu      | convene-VERSION-windows-x86_64.zip    | MinGW (on Linux)      |
# | x86_64-unknown-linux-musl  | convene-VERSION-linux-x86_64.tar.gz   | musl: a static binary |
# | aarch64-apple-darwin       | convene-VERSION-macos-arm64.tar.gz    | Xcode's tools, on a Mac |
# | x86_64-apple-darwin        | convene-VERSION-macos-x86_64.tar.gz   | Xcode's tools, on a Mac |
#
# Each archive holds one folder, convene-VERSION-PLATFORM/, with the program (convene or
# convene.exe; the built-in protocols are inside it), README.md, LICENSE, CHANGELOG.md and docs/.
# dist/SHA256SUMS lists the archives' checksums. The release profile (Cargo.toml) makes the
# binary small: LTO, one codegen unit, no symbols.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
if [ $# -gt 0 ]; then
    targets=("$@")
elif [ "$(uname -s)" = Darwin ]; then
    targets=(aarch64-apple-darwin x86_64-apple-darwin)
else
    targets=(x86_64-pc-windows-gnu x86_64-unknown-linux-musl)
fi

# What the targets need that Debian has: installed when this runs as root with apt (CI), named
# otherwise.
need_apt() { # COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 && return
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing $2"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
    else
        echo "scripts/release.sh needs $1 (Debian: apt-get install $2)" >&2
        exit 1
    fi
}

platform() {
    case "$1" in
        x86_64-pc-windows-gnu) echo windows-x86_64 ;;
        x86_64-unknown-linux-musl) echo linux-x86_64 ;;
        aarch64-apple-darwin) echo macos-arm64 ;;
        x86_64-apple-darwin) echo macos-x86_64 ;;
        *) echo "scripts/release.sh: no archive is defined for $1" >&2; exit 1 ;;
    esac
}

# Runs the program from its unpacked archive in an empty folder, with an empty home: what a
# facilitator who has just unzipped it would see. ($1: the program; the rest: how to run it.)
smoke() {
    local clean out
    clean=$(mktemp -d)
    (
        cd "$clean"
        export HOME="$clean" XDG_DATA_HOME="$clean/data" XDG_CONFIG_HOME="$clean/config"
        unset CONVENE_DATA_DIR CONVENE_PROTOCOLS_DIR CONVENE_CONFIG_DIR CONVENE_THEME
        out=$("$@" --version)
        [ "$out" = "convene $version" ] || { echo "--version said: $out" >&2; exit 1; }
        out=$("$@" protocols)
        grep -q '^project-tuning ' <<<"$out" || { echo "protocols said: $out" >&2; exit 1; }
        out=$("$@" logs list --data-dir empty-data)
        grep -q '^No session logs yet in ' <<<"$out" || { echo "logs list said: $out" >&2; exit 1; }
        "$@" info >/dev/null
    )
    rm -rf "$clean"
}

# Every tool the chosen targets call, checked (and installed with apt when root) before anything is
# built: a fresh machine fails here, naming the tool, not minutes into a build. The C compiler for
# musl matters most: SQLite is compiled from C, and for the static Linux archive it must be
# compiled against musl (musl-tools' musl-gcc, which the cc crate finds for the musl target).
need_apt tar tar
need_apt ldd libc-bin
if ! command -v sha256sum >/dev/null 2>&1 && ! command -v shasum >/dev/null 2>&1; then
    need_apt sha256sum coreutils
fi
for target in "${targets[@]}"; do
    case "$target" in
        *windows*)
            need_apt x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
            need_apt x86_64-w64-mingw32-objdump binutils-mingw-w64-x86-64
            need_apt zip zip
            need_apt unzip unzip
            ;;
        *linux-musl*)
            need_apt musl-gcc musl-tools
            ;;
    esac
    rustup target list --installed | grep -qx "$target" || rustup target add "$target"
done

rm -rf dist
mkdir -p dist
for target in "${targets[@]}"; do
    name="convene-$version-$(platform "$target")"
    exe=convene
    case "$target" in
        *windows*) exe=convene.exe ;;
    esac
    echo "building $name"
    cargo build --locked --release --target "$target"

    stage="target/release-staging/$name"
    rm -rf "$stage"
    mkdir -p "$stage/docs"
    cp "target/$target/release/$exe" "$stage/"
    cp README.md LICENSE CHANGELOG.md "$stage/"
    cp docs/*.md "$stage/docs/"
    case "$target" in
        *windows*) (cd target/release-staging && zip -q -r "../../dist/$name.zip" "$name") ;;
        *) tar -C target/release-staging -czf "dist/$name.tar.gz" "$name" ;;
    esac

    # Check what was packed, from the archive, in a clean folder.
    unpacked=$(mktemp -d)
    case "$target" in
        x86_64-unknown-linux-musl)
            tar -C "$unpacked" -xzf "dist/$name.tar.gz"
            bin="$unpacked/$name/convene"
            if ldd "$bin" >/dev/null 2>&1 && ! ldd "$bin" 2>&1 | grep -q 'statically linked'; then
                echo "the Linux binary is not static:" >&2
                ldd "$bin" >&2
                exit 1
            fi
            if [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
                smoke "$bin"
            fi
            ;;
        x86_64-pc-windows-gnu)
            unzip -q "dist/$name.zip" -d "$unpacked"
            bin="$unpacked/$name/convene.exe"
            # A locked-down laptop has Windows' own DLLs and nothing else: no MinGW runtime.
            if x86_64-w64-mingw32-objdump -p "$bin" | grep -i 'DLL Name' | grep -Eiq 'libgcc|libwinpthread|libstdc'; then
                echo "convene.exe needs a MinGW DLL:" >&2
                x86_64-w64-mingw32-objdump -p "$bin" | grep -i 'DLL Name' >&2
                exit 1
            fi
            # Under Wine, when .ci/wine/test has made its prefix (with the ProcessPrng stub).
            if command -v wine >/dev/null 2>&1 && [ -f target/wine-prefix/system.reg ]; then
                WINEPREFIX="$PWD/target/wine-prefix" WINEDEBUG=-all smoke wine "$bin"
                WINEPREFIX="$PWD/target/wine-prefix" wineserver -k 2>/dev/null || true
            fi
            ;;
        *apple*)
            tar -C "$unpacked" -xzf "dist/$name.tar.gz"
            # The one that runs on this Mac (Rosetta may run the other too; not counted on).
            case "$(uname -m)-$target" in
                arm64-aarch64-apple-darwin | x86_64-x86_64-apple-darwin) smoke "$unpacked/$name/convene" ;;
            esac
            ;;
    esac
    rm -rf "$unpacked"
    echo "dist/$(basename "$(ls dist/"$name".*)"): $(wc -c <"target/$target/release/$exe") bytes unpacked"
done
(cd dist && { command -v sha256sum >/dev/null 2>&1 && sha256sum -- * || shasum -a 256 -- *; } >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
echo "checked, in dist/:"
ls -l dist
