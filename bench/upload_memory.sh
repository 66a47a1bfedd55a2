#!/bin/bash
# Peak memory of one gunicorn sync worker while the public form receives files
# (BENCHMARKS.md, "Uploads"). Not part of `make bench`: it needs 150 MB of test files.
#   bench/upload_memory.sh [CHECKOUT] [PORT]      (CHECKOUT defaults to this one)
# Sends three 50 MB "pictures", then five 2.4 MB photos, and prints the worker's
# resident memory before each request and its peak (VmHWM) after it.
set -euo pipefail
CO=$(cd "${1:-$(dirname "$0")/..}" && pwd); PORT=${2:-18730}
PY=${PY:-$CO/.venv/bin/python}; [ -x "$PY" ] || PY=python3
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
export MEMNUN_DATA_DIR=$WORK/data
cd "$CO"
"$PY" - "$WORK" <<'PYEOF'
import os, sys
from PIL import Image
work = sys.argv[1]
Image.new("RGB", (8, 8)).save(f"{work}/small.png")
head = open(f"{work}/small.png", "rb").read()
for i in (1, 2, 3):  # a PNG header, then 50 MB of nothing
    with open(f"{work}/big{i}.png", "wb") as f:
        f.write(head + bytes(50 * 1024 * 1024 - len(head)))
for i in range(1, 6):  # noise: JPEG cannot compress it, ~2.4 MB each
    Image.frombytes("RGB", (1800, 1400), os.urandom(1800 * 1400 * 3)).save(
        f"{work}/photo{i}.jpg", quality=92)
PYEOF
"$PY" -c "from memnun.cli import main; main(['init', '--demo'])" >/dev/null
env -u DATABASE_URL "$PY" manage.py migrate --no-input -v 0
env -u DATABASE_URL "$PY" manage.py load_demo >/dev/null
env -u DATABASE_URL "$PY" -m gunicorn memnun.wsgi -w 1 -b 127.0.0.1:"$PORT" --timeout 120 \
    >"$WORK/gunicorn.log" 2>&1 &
MASTER=$!
trap 'kill $MASTER 2>/dev/null; wait $MASTER 2>/dev/null; rm -rf "$WORK"' EXIT
sleep 4
WORKER=$(pgrep -P "$MASTER" | head -1)
JAR=$WORK/jar; URL=http://127.0.0.1:$PORT/feedback/new/
kb() { awk -v k="$1:" '$1 == k {print $2}' /proc/"$WORKER"/status; }
post() {
  local sub
  sub=$(curl -s -c "$JAR" -b "$JAR" "$URL" | grep -o 'name="submission" value="[0-9a-f]*"' |
        sed 's/.*value="//; s/"//')
  curl -s -o /dev/null -w "%{http_code}" -c "$JAR" -b "$JAR" -H "Referer: $URL" \
    -F csrfmiddlewaretoken="$(awk '/csrftoken/ {print $7}' "$JAR")" -F submission="$sub" \
    -F type=complaint -F subject=Deneme -F description=Deneme -F preferred_contact=email \
    -F language=tr -F email=a@example.com -F name=Ali -F privacy_notice=on "$@" "$URL"
}
echo "warm-up: HTTP $(post -F attachments=@"$WORK/small.png")"
measure() {
  local label=$1; shift
  local before code peak
  before=$(kb VmRSS); code=$(post "$@"); peak=$(kb VmHWM)
  echo "$label: HTTP $code; worker RSS ${before} kB before, peak ${peak} kB" \
       "(+$(( (peak - before) / 1024 )) MB)"
}
measure "3 x 50 MB" -F attachments=@"$WORK/big1.png" -F attachments=@"$WORK/big2.png" \
    -F attachments=@"$WORK/big3.png"
measure "5 photos of 2.4 MB" -F attachments=@"$WORK/photo1.jpg" \
    -F attachments=@"$WORK/photo2.jpg" -F attachments=@"$WORK/photo3.jpg" \
    -F attachments=@"$WORK/photo4.jpg" -F attachments=@"$WORK/photo5.jpg"
