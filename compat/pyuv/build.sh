#!/bin/sh
# Builds pyuv 1.4.0 from its sdist into a venv outside the repository and
# prints the venv's python on the last line of stdout. The venv is cached
# (keyed on this script and on the Python version), so later runs only check
# that it still imports.
#
# pyuv 1.4.0 predates CPython 3.10/3.11; two one-line changes make it build:
#   src/handle.c  `Py_REFCNT(self) = refcnt;`  -> `Py_SET_REFCNT(self, refcnt);`
#     (Py_REFCNT is no longer an lvalue)
#   src/common.c  `PyUnicode_EncodeUTF8(PyUnicode_AS_UNICODE(u), PyUnicode_GET_SIZE(u), "surrogateescape")`
#              -> `PyUnicode_AsEncodedString(u, "utf-8", "surrogateescape")`
#     (the Py_UNICODE API is gone)
#
# Needs python3 with venv and pip, a C compiler, and the package registry.
# Exits 2 with a reason on stderr when something it needs is missing.
set -eu

PYUV_VERSION=1.4.0
# The two fixes are for CPython 3.11: prefer it where several are installed.
if [ -z "${PYTHON:-}" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi

need() {
  echo "pyuv build: $1" >&2
  exit 2
}

command -v "$PYTHON" >/dev/null 2>&1 || need "no $PYTHON"
command -v "${CC:-cc}" >/dev/null 2>&1 || need "no C compiler (${CC:-cc})"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || need "$PYTHON has no venv/ensurepip module"
"$PYTHON" -c 'import sysconfig, os, sys; h = sysconfig.get_paths()["include"]; sys.exit(0 if os.path.exists(os.path.join(h, "Python.h")) else 1)' \
  || need "no Python.h for $PYTHON (install the python3-dev package)"

here=$(cd "$(dirname "$0")" && pwd)
pyver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
key=$(cat "$0" | cksum | cut -d' ' -f1)
cache=${UV_UDP_PYUV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/uv-udp/pyuv-$PYUV_VERSION-py$pyver-$key}
venv=$cache/venv

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pyuv, sys; sys.exit(pyuv.__version__ != "'$PYUV_VERSION'")' 2>/dev/null; then
  echo "$venv/bin/python"
  exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

rm -rf "$venv"
"$PYTHON" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check wheel setuptools >&2 \
  || need "pip could not install wheel/setuptools (no registry?)"
"$venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
  "pyuv==$PYUV_VERSION" -d "$work" >&2 || need "pip could not download the pyuv $PYUV_VERSION sdist"

tar -xzf "$work/pyuv-$PYUV_VERSION.tar.gz" -C "$work"
src=$work/pyuv-$PYUV_VERSION

patch_line() { # file, old (fixed string), new
  grep -qF "$2" "$src/$1" || { echo "pyuv build: $1 does not contain the line to patch" >&2; exit 1; }
  "$PYTHON" - "$src/$1" "$2" "$3" <<'EOF'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
open(path, "w").write(text.replace(old, new, 1))
EOF
}
patch_line src/handle.c 'Py_REFCNT(self) = refcnt;' 'Py_SET_REFCNT(self, refcnt);'
patch_line src/common.c \
  'PyUnicode_EncodeUTF8(PyUnicode_AS_UNICODE(unicode), PyUnicode_GET_SIZE(unicode), "surrogateescape")' \
  'PyUnicode_AsEncodedString(unicode, "utf-8", "surrogateescape")'

if ! (cd "$src" && nice -n 10 "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --no-build-isolation . >&2); then
  rm -rf "$venv"
  # On 3.11 a failed build is a failure; on another Python, pyuv 1.4.0 may
  # need more than these two fixes, which is a reason to skip, not a bug here.
  [ "$pyver" = 3.11 ] && exit 1
  need "pyuv $PYUV_VERSION does not build on Python $pyver with the fixes for 3.11"
fi
"$venv/bin/python" -c 'import pyuv; print("pyuv", pyuv.__version__, "libuv", pyuv.LIBUV_VERSION)' >&2
echo "$venv/bin/python"
