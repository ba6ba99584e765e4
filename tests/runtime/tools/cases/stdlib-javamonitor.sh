# stdlib/javamonitor.et: a JVM with -XX:+DTraceMonitorProbes where 3
# threads each wait >= 50 ms for a monitor (a JRecipes$Lock) the main
# thread holds: 3 contended entries, their waits from 32 ms up in the
# histogram; one without the flag is named as such.
HEADER=2
. "$HERE/cases/java-lib.sh"
activity() {
	jrun sleep 1000
	OFF=$JPID
	jrun monitor 3 -XX:+DTraceMonitorProbes
	EXPECT+=("^JVM $OFF: -XX:\+DTraceMonitorProbes is off, its monitors are not seen "
		 '^@wait_us\[JRecipes\$Lock\]: $'
		 "^@wait_total_us\[$JPID, JRecipes\\\$Lock\]: (1[5-9][0-9]{4}|[2-9][0-9]{5}|[0-9]{7,})\$")
}
mark() { echo "^@contended\[$JPID, JRecipes\\\$Lock\]: 3\$"; }
