#!/bin/sh
# Rebuilds the browser bundle from package-lock.json in a scratch copy and compares it byte for byte with
# the committed one (src/main/resources/META-INF/resources/lhn-secure-forms/secure-form.js).
# Needs Node and npm and the npm registry; the Maven build itself never does. Exit 0: identical.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
committed="$here/../src/main/resources/META-INF/resources/lhn-secure-forms/secure-form.js"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/js" "$scratch/src/main/resources/META-INF/resources/lhn-secure-forms"
cp -R "$here/package.json" "$here/package-lock.json" "$here/src" "$scratch/js/"
cd "$scratch/js"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
npm run --silent build >/dev/null 2>&1
if cmp -s "$committed" "$scratch/src/main/resources/META-INF/resources/lhn-secure-forms/secure-form.js"; then
  echo "secure-form.js: rebuilt from the lockfile, identical ($(wc -c < "$committed") bytes)"
else
  echo "secure-form.js: the rebuild from the lockfile differs from the committed bundle; run 'npm ci && npm run build' in js/ and commit" >&2
  exit 1
fi
