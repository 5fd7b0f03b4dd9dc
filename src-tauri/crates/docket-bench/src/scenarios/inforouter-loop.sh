#!/bin/bash
# The infoRouter API page's download loop, followed literally with curl: authenticate, stage the document with
# GetDownloadHandler, read it with DownloadFileChunk one chunk after the other (decoding each chunk's base64),
# then DeleteDownloadHandler.
# usage: inforouter-loop.sh BASE_URL USER PASSWORD PATH CHUNK_SIZE OUT_FILE
set -euo pipefail
base=$1 user=$2 password=$3 path=$4 preferred=$5 out=$6
api="$base/srv.asmx"
# The value of attribute $1 in the XML answer on stdin.
attr() { sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" | head -n 1; }

ticket=$(curl -sS --fail "$api/AuthenticateUser" --data-urlencode "UID=$user" --data-urlencode "PWD=$password" | attr ticket)
staged=$(curl -sS --fail "$api/GetDownloadHandler" --data-urlencode "AuthenticationTicket=$ticket" \
  --data-urlencode "Path=$path" -d "PreferedChunkSize=$preferred")
handler=$(printf '%s' "$staged" | attr downloadhandler)
size=$(printf '%s' "$staged" | attr Size)
chunk=$(printf '%s' "$staged" | attr ChunkSize)
if [ -z "$handler" ] || [ -z "$size" ] || [ -z "$chunk" ]; then
  echo "staging failed: $staged" >&2
  exit 1
fi

: > "$out"
offset=0
while [ "$offset" -lt "$size" ]; do
  curl -sS --fail "$api/DownloadFileChunk" --data-urlencode "AuthenticationTicket=$ticket" \
    --data-urlencode "DownloadHandler=$handler" -d "StartOffset=$offset" -d "ChunkSize=$chunk" \
    | sed -e '1d' -e 's/^<response[^>]*>//' -e 's/<\/response>$//' | base64 -d >> "$out"
  offset=$((offset + chunk))
done
curl -sS --fail "$api/DeleteDownloadHandler" --data-urlencode "AuthenticationTicket=$ticket" \
  --data-urlencode "DownloadHandler=$handler" > /dev/null
