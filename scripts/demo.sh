#!/usr/bin/env bash
# Sets up and builds OpLens, writes demo oplogs of two servers ending now, starts a local agent (oplensd) for the
# first with a catalog of harmless actions and a demo token, and opens the console on both: click Restart on an
# interrupted operation and watch it queue, start and finish. Without a display it prints what the console's
# Notifications pane would show. The agent alerts too: once it watches, the demo records a new interruption in
# mail1's oplog, and the alert arrives in build/demo/mail.txt (its sendmail) and build/demo/webhook.jsonl (a chat
# webhook), both written by small modes of oplens-demo.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
demo=build/demo
rm -rf "$demo"
mkdir -p "$demo"
build/app/oplens-demo --out "$demo" >/dev/null

port=${OPLENS_DEMO_PORT:-18470}
hookport=$((port + 1))
demodir=$(cd "$demo" && pwd)
demobin=$(cd build/app && pwd)/oplens-demo
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
  "runAsRoot": $root,
  "alerts": {
    "batchSeconds": 5,
    "email": {"sendmail": ["$demobin", "--sendmail", "$demodir/mail.txt"],
              "from": "oplensd@mail1.example.com", "to": ["mail-admins@example.com"]},
    "webhooks": [{"url": "http://127.0.0.1:$hookport/hooks/demo", "format": "slack"}]
  }
}
JSON
build/app/oplens-demo --webhook-receiver "$hookport" "$demodir/webhook.jsonl" &
receiver=$!
build/app/oplensd --config "$demo/agent.json" 2>"$demo/agent.log" &
agent=$!
trap 'kill $agent $receiver 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$demo/agent.log" && break; sleep 0.1; done
grep -q listening "$demo/agent.log" || { cat "$demo/agent.log"; exit 1; }

# The agent's first look records what already needed attention (the crash three days ago) without alerting. Once it
# has looked (its state file exists), a restore that began a minute ago is recorded as interrupted now: that one is
# new, and alerted within the batch's 5 seconds.
for _ in $(seq 50); do [ -e "$demo/oplens-audit.jsonl.alerts.json" ] && break; sleep 0.1; done
now=$(date +%s%3N)
id=$(cat /proc/sys/kernel/random/uuid)
params='{"origin":"Admin","sourceAccount":"ivan@example.com","destinationAccount":"ivan.restored@example.com"}'
printf '%s\n' \
  "{\"module\":\"ZxBackup\",\"name\":\"RestoreOnNewAccount\",\"operationId\":\"$id\",\"type\":\"Started\",\"startTime\":$((now - 60000)),\"parameters\":$params,\"requestedBy\":\"admin@example.com\",\"host\":\"mail1.example.com\"}" \
  "{\"module\":\"ZxBackup\",\"name\":\"RestoreOnNewAccount\",\"operationId\":\"$id\",\"type\":\"Interrupted\",\"startTime\":$now,\"parameters\":$params,\"error\":\"killed by the OOM killer\",\"host\":\"mail1.example.com\"}" \
  >> "$demo/mail1.example.com.jsonl"
echo "Recorded a new interruption in mail1's oplog; the agent's alert goes to $demo/mail.txt and $demo/webhook.jsonl in about 6 s (its 5 s batch)."

sources=(--agent "agent+http://127.0.0.1:$port#main" --token-file "$demo/token" "$demo/mail2.example.com.jsonl")
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Agent for mail1 on 127.0.0.1:$port (token in $demo/token); mail2 is a local file."
  build/app/oplens "${sources[@]}"
  exit 0
fi
for _ in $(seq 100); do [ -s "$demo/mail.txt" ] && [ -s "$demo/webhook.jsonl" ] && break; sleep 0.1; done
echo "The agent's alert, as e-mailed ($demo/mail.txt):"
echo
cat "$demo/mail.txt" 2>/dev/null || echo "(none arrived: see $demo/agent.log and $demo/oplens-audit.jsonl)"
echo
echo "No display: the console cannot open a window here. Its Notifications pane would show:"
echo
build/app/oplens --notifications "${sources[@]}"
echo
echo "With a display, run: scripts/demo.sh"
