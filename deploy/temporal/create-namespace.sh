#!/bin/sh
# The namespace rectify runs in, with its retention, and every search attribute rectify writes
# and queries, created in one call and then checked; any failure fails the job (docker compose
# then does not start the worker or the web). Run by the temporal-namespace job in docker-compose.yml.
set -eu

: "${TEMPORAL_ADDRESS:?}"
NAMESPACE="${NAMESPACE:-default}"
RETENTION="${RETENTION:-30d}"
# How many times to wait 2 s for the server (and then for the new namespace).
WAIT_TRIES="${WAIT_TRIES:-60}"
# Name=Type, as contracts/search-attributes.ts defines them (a test checks this list against it).
ATTRIBUTES="PlanId=Keyword MeasureId=Keyword LeadUnit=Keyword Leader=Keyword MeasureKind=Keyword MeasureStatus=Keyword TrafficLight=Keyword ProblemNo=Int Deadline=Datetime LookbackStatus=Keyword LookbackCampaign=Keyword"

tries=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" | grep -q SERVING; do
  tries=$((tries + 1))
  [ "$tries" -ge "$WAIT_TRIES" ] && { echo "Temporal at $TEMPORAL_ADDRESS not serving after $((WAIT_TRIES * 2)) s" >&2; exit 1; }
  sleep 2
done

if ! temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
fi
# A new namespace reaches every service of the server asynchronously: usable once its search
# attributes can be listed (describe answers earlier than that).
tries=0
until existing="$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" 2>&1)"; do
  tries=$((tries + 1))
  [ "$tries" -ge "$WAIT_TRIES" ] && { echo "namespace $NAMESPACE not ready after $((WAIT_TRIES * 2)) s: $existing" >&2; exit 1; }
  sleep 2
done

# The attributes a listing lacks, as "--name N --type T" pairs.
missing_from() {
  for attribute in $ATTRIBUTES; do
    name="${attribute%%=*}"
    echo "$1" | grep -qw "$name" || printf ' --name %s --type %s' "$name" "${attribute#*=}"
  done
}

args="$(missing_from "$existing")"
if [ -n "$args" ]; then
  # shellcheck disable=SC2086
  temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" $args
fi

missing="$(missing_from "$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE")")"
if [ -n "$missing" ]; then
  echo "search attributes missing after creation:$missing" >&2
  exit 1
fi
echo "namespace $NAMESPACE ready (retention $RETENTION) with $(echo "$ATTRIBUTES" | wc -w) search attributes"
