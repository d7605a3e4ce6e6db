# Shell helpers shared by the countdown scripts (run.sh: the CPU demo, gpu_run.sh: the GPU run); sourced,
# never run. countdown_table prints the before/after eval table, run_stage runs one timed stage,
# metrics_summary condenses a metrics.jsonl. They read only the files the grpo commands wrote, never change them.

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

# metrics_summary FILE KEY...: "KEY last (mean)" for each KEY of a metrics.jsonl (flat {"key":value,...} lines).
metrics_summary() {
  local file=$1
  shift
  awk -v keys="$*" 'BEGIN { n = split(keys, k, " ") }
    { for (i = 1; i <= n; ++i) if (match($0, "\"" k[i] "\":[-0-9.eE+]+")) {
        v = substr($0, RSTART + length(k[i]) + 3, RLENGTH - length(k[i]) - 3); last[i] = v; sum[i] += v; cnt[i]++ } }
    END { for (i = 1; i <= n; ++i) if (cnt[i]) printf "%s%s %.4g (mean %.4g)", (i > 1 ? ", " : ""), k[i], last[i], sum[i] / cnt[i]
          printf " over %d steps\n", NR }' "$file"
}
