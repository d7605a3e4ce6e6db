# Shell helpers shared by the countdown scripts (run.sh: the CPU demo, gpu_run.sh: the GPU run); sourced,
# never run. countdown_table prints the before/after eval table; run_stage runs one timed stage. They read
# only the files the grpo commands wrote and must not change them.

# countdown_field FILE KEY: a number from an eval JSON file (`grpo eval --output`, flat "key": value lines).
countdown_field() { sed -n "s/^  \"$2\": \([0-9.eE+-]*\),\{0,1\}$/\1/p" "$1"; }

# countdown_table EVAL_DIR LABEL...: one row per EVAL_DIR/LABEL.json.
countdown_table() {
  local dir=$1 label f
  shift
  printf "%-8s %8s %8s %8s %8s\n" model pass@1 maj@8 format tokens
  for label in "$@"; do
    f=$dir/$label.json
    printf "%-8s %8.3f %8.3f %8.3f %8.1f\n" "$label" "$(countdown_field "$f" pass@1)" "$(countdown_field "$f" maj@k)" \
      "$(countdown_field "$f" format_rate)" "$(countdown_field "$f" mean_response_tokens)"
  done
}

# run_stage NAME COMMAND...: runs COMMAND with its output (stdout and stderr) in $STAGE_LOGS/NAME.log and on
# the terminal (less the resolved-config dumps, which end at a blank line and stay in the log), then prints
# the stage's wall time and appends "NAME SECONDS" to $STAGE_TIMINGS. A failing COMMAND stops the script
# (set -e, pipefail).
run_stage() {
  local name=$1 t0 dt
  shift
  echo "== [$name] $(date -u +%H:%M:%S)"
  t0=$(date +%s.%N)
  "$@" 2>&1 | tee "$STAGE_LOGS/$name.log" | sed -u '/resolved config/,/^$/d'
  dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  printf "%-12s %8s s\n" "$name" "$dt" >> "$STAGE_TIMINGS"
  echo "-- [$name] $dt s"
}
