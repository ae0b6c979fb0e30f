#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain.
# Safe to run again: it only installs what is missing.
set -euo pipefail

need_apt=()
# Whether fontconfig lists a font family. (Not `fc-list | grep -q`: grep
# leaving early makes fc-list fail under pipefail once the list is long.)
has_font() {
  grep -qF "$1" <<<"$(fc-list : family 2>/dev/null || true)"
}
command -v pg_isready >/dev/null 2>&1 || need_apt+=(postgresql-client)
# PDF summaries: LibreOffice converts the DOCX, with free CJK fonts standing in
# for the official faces; the tests read the PDF with pdftotext and pdffonts.
# The stand-ins are the Fandol faces (FandolFang for 仿宋, FandolSong for
# 小标宋 and 宋体, FandolHei for 黑体, FandolKai for 楷体), made for GB-style
# Chinese typesetting, which Debian ships only with TeX Live's Chinese support;
# Noto CJK SC covers the characters they lack.
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || need_apt+=(fontconfig)
has_font "Noto Serif CJK SC" || need_apt+=(fonts-noto-cjk)
if ! has_font FandolFang && ! kpsewhich FandolFang-Regular.otf >/dev/null 2>&1; then
  need_apt+=(texlive-lang-chinese)
fi
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

# TeX Live keeps its fonts where fontconfig does not look: list the Fandol
# folder for fontconfig, and mark the Bold files bold (they declare a regular
# weight, and LibreOffice would embolden the regular face instead).
if ! has_font FandolFang; then
  if ! fandol_file=$(kpsewhich FandolFang-Regular.otf) || [[ -z $fandol_file ]]; then
    echo "setup: the Fandol fonts (texlive-lang-chinese) are not installed" >&2
    exit 1
  fi
  fandol_dir=$(dirname "$fandol_file")
  fandol_conf=/etc/fonts/conf.d/09-taizhang-fandol.conf
  echo "setup: registering the Fandol fonts with fontconfig ($fandol_conf)"
  {
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
    echo '<fontconfig>'
    echo "  <dir>$fandol_dir</dir>"
    for family in FandolSong FandolHei; do
      echo "  <match target=\"scan\"><test name=\"family\"><string>$family</string></test><test name=\"style\"><string>Bold</string></test><edit name=\"weight\" mode=\"assign\"><const>bold</const></edit></match>"
    done
    echo '</fontconfig>'
  } >"$fandol_conf"
  fc-cache -f "$fandol_dir"
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
# Unused dependencies (.ci/run).
if ! cargo machete --version >/dev/null 2>&1; then
  echo "setup: installing cargo-machete"
  cargo install cargo-machete --locked
fi
echo "setup: ok"
