#!/bin/sh
# Builds the Debian package of mpol-agent with dpkg-deb:
#   agent/packaging/build-deb.sh [-o OUTDIR] [--binary FILE] [--self-contained]
# The binary is the Native AOT agent (dotnet publish -p:PublishAot=true: one file, no .NET
# runtime on the box); --self-contained publishes a single-file self-contained agent instead
# (for a machine without the AOT toolchain: clang, zlib1g-dev); --binary takes one already
# published. The package holds:
#   /opt/policykit/mpol-agent            the agent (and /usr/bin/mpol-agent, a link to it)
#   /lib/systemd/system/mpol-agent.service, /usr/lib/sysusers.d/mpol-agent.conf (its user)
#   /etc/policykit/agent.toml            a conffile (dpkg keeps local edits), the example config
#   /usr/share/mpol-agent/enforce.conf   the NFQUEUE drop-in (CAP_NET_ADMIN), to copy when enforcing
#   /usr/share/doc/mpol-agent/           README, copyright (Apache-2.0)
# The maintainer scripts (debian/) create the user and never start the service on a config
# that does not pass check-config (the shipped example names no real table). Prints the path
# of the .deb on its last line.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/agent/packaging/out"
binary=""
mode=aot
while [ $# -gt 0 ]; do
    case "$1" in
        -o) out=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        --self-contained) mode=self-contained; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "build-deb.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
for tool in dpkg-deb fakeroot; do
    command -v "$tool" >/dev/null || { echo "build-deb.sh: $tool not found: apt-get install -y dpkg-dev fakeroot" >&2; exit 2; }
done

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n 1)
arch=$(dpkg --print-architecture)
case "$arch" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; *) echo "build-deb.sh: no .NET runtime identifier for $arch" >&2; exit 2 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$binary" ]; then
    if [ "$mode" = aot ]; then
        dotnet publish "$repo/agent/mpol-agent" -c Release -r "$rid" -p:PublishAot=true -o "$work/publish" >&2
    else
        dotnet publish "$repo/agent/mpol-agent" -c Release -r "$rid" --self-contained -p:PublishSingleFile=true -o "$work/publish" >&2
    fi
    binary="$work/publish/mpol-agent"
fi
[ -x "$binary" ] || { echo "build-deb.sh: $binary is not an executable agent" >&2; exit 2; }

root="$work/root"
install -D -m 0755 "$binary" "$root/opt/policykit/mpol-agent"
install -d -m 0755 "$root/usr/bin"
ln -s /opt/policykit/mpol-agent "$root/usr/bin/mpol-agent"
install -D -m 0644 "$repo/README.md" "$root/opt/policykit/README.md"
install -D -m 0644 "$repo/agent/mpol-agent.service" "$root/lib/systemd/system/mpol-agent.service"
install -D -m 0644 "$repo/agent/mpol-agent.sysusers" "$root/usr/lib/sysusers.d/mpol-agent.conf"
install -D -m 0644 "$repo/agent/mpol-agent-enforce.conf" "$root/usr/share/mpol-agent/enforce.conf"
install -D -m 0644 "$repo/agent/agent.example.toml" "$root/etc/policykit/agent.toml"
install -D -m 0644 "$repo/LICENSE" "$root/usr/share/doc/mpol-agent/copyright"
install -D -m 0644 "$repo/README.md" "$root/usr/share/doc/mpol-agent/README.md"
# The config directory and file get the agent's group in postinst (the user does not exist yet).
chmod 0750 "$root/etc/policykit"

install -d -m 0755 "$root/DEBIAN"
for script in postinst prerm postrm; do install -m 0755 "$here/debian/$script" "$root/DEBIAN/$script"; done
install -m 0644 "$here/debian/conffiles" "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" "$here/debian/control" > "$root/DEBIAN/control"

mkdir -p "$out"
deb="$out/mpol-agent_${version}_${arch}.deb"
fakeroot dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
