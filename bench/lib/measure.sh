# Sourced by bench/*.sh (this folder is not run by scripts/bench.sh).
#
# measure LABEL CMD... : runs CMD (stdout to /dev/null) $REPEAT times (other
# work on the machine makes single runs noisy) and keeps the fastest run:
# prints it and stores elapsed seconds in $SECS and peak RSS in $RSS_KB.
# Needs $WORK (a scratch folder); $AFTER_EACH, when set, is evaluated after
# every run; $MEASURE_INDENT and $MEASURE_WIDTH shape the printed line.
REPEAT=${REPEAT:-2}
measure() {
	local label=$1; shift
	local best="" rss=0 i s r
	for ((i = 0; i < REPEAT; i++)); do
		/usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || {
			echo "  $label FAILED:"; cat "$WORK/err"; return 1; }
		read -r s r <"$WORK/time"
		(( r > rss )) && rss=$r
		if [[ -z $best ]] || python3 -c "import sys; sys.exit(0 if $s < $best else 1)"; then best=$s; fi
		[[ -n ${AFTER_EACH:-} ]] && eval "$AFTER_EACH"
	done
	SECS=$best RSS_KB=$rss
	printf "%s%-*s %8.2f s  %7d KiB peak RSS (best of %d)\n" "${MEASURE_INDENT:-  }" "${MEASURE_WIDTH:-34}" "$label" "$SECS" "$RSS_KB" "$REPEAT"
}

# ratio A B: A/B with two decimals.
ratio() { python3 -c "print(f'{float($1)/max(float($2),1e-9):.2f}')"; }
