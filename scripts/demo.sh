#!/usr/bin/env bash
# Sets up and builds OpLens, writes demo oplogs of two servers ending now, starts a local agent (oplensd) for the
# first with a catalog of harmless actions and a demo token, and opens the console on both: click Restart on an
# interrupted operation and watch it queue, start and finish. Without a display it prints what the console's
# Notifications pane would show.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
demo=build/demo
rm -rf "$demo"
mkdir -p "$demo"
build/app/oplens-demo --out "$demo" >/dev/null

port=${OPLENS_DEMO_PORT:-18470}
token=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
printf '%s\n' "$token" > "$demo/token"
chmod 600 "$demo/token"
root=false
[ "$(id -u)" -eq 0 ] && root=true   # the demo's agent runs as whoever runs the demo
cat > "$demo/agent.json" <<JSON
{
  "listen": "127.0.0.1:$port",
  "oplogs": [{"id": "main", "path": "mail1.example.com.jsonl"}],
  "runnerOplog": "main",
  "tokens": [{"identity": "demo-admin", "role": "operator", "sha256": "$(printf %s "$token" | sha256sum | cut -d' ' -f1)"}],
  "actions": $(jq .actions resources/demo/actions.json),
  "runAsRoot": $root
}
JSON
build/app/oplensd --config "$demo/agent.json" 2>"$demo/agent.log" &
agent=$!
trap 'kill $agent 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$demo/agent.log" && break; sleep 0.1; done
grep -q listening "$demo/agent.log" || { cat "$demo/agent.log"; exit 1; }

sources=(--agent "agent+http://127.0.0.1:$port#main" --token-file "$demo/token" "$demo/mail2.example.com.jsonl")
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Agent for mail1 on 127.0.0.1:$port (token in $demo/token); mail2 is a local file."
  build/app/oplens "${sources[@]}"
  exit 0
fi
echo "No display: the console cannot open a window here. Its Notifications pane would show:"
echo
build/app/oplens --notifications "${sources[@]}"
echo
echo "With a display, run: scripts/demo.sh"
