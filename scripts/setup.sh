#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain.
# Safe to run again: it only installs what is missing.
set -euo pipefail

need_apt=()
command -v pg_isready >/dev/null 2>&1 || need_apt+=(postgresql-client)
# PDF summaries: LibreOffice converts the DOCX, with free CJK fonts standing in
# for the official faces; the tests read the PDF's text with pdftotext.
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || need_apt+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -q "AR PL UKai" || need_apt+=(fonts-arphic-ukai)
# Browser tests: Debian's Chromium driven through chromedriver.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)

if ((${#need_apt[@]})); then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
  else
    echo "setup: please install ${need_apt[*]}" >&2
    exit 1
  fi
fi

# The OpenAPI fuzz run (scripts/schemathesis.sh).
if ! command -v schemathesis >/dev/null 2>&1; then
  echo "setup: installing schemathesis"
  python3 -m pip install --quiet schemathesis
fi

for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done
echo "setup: ok"
