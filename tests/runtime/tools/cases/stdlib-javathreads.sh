# stdlib/javathreads.et: a JVM starting threads TOKEN-0, TOKEN-1 (a
# daemon), TOKEN-2, one after the other: a start and a stop line for
# each, with its pid, and the daemon mark.
HEADER=1
EVENT_RE='^[0-9]+ +(start|stop) +[0-9]+ +[0-9]+ +[-D] '
. "$HERE/cases/java-lib.sh"
activity() {
	jrun threads 3
	EXPECT+=("^$JPID +stop +[0-9]+ +[0-9]+ +- +$TOKEN-0\$"
		 "^$JPID +start +[0-9]+ +[0-9]+ +D +$TOKEN-1\$"
		 "^$JPID +stop +[0-9]+ +[0-9]+ +D +$TOKEN-1\$"
		 "^$JPID +start +[0-9]+ +[0-9]+ +- +$TOKEN-2\$"
		 "^$JPID +stop +[0-9]+ +[0-9]+ +- +$TOKEN-2\$"
		 "^@started\[$JPID\]: [0-9]+\$")
}
mark() { echo "^$JPID +start +[0-9]+ +[0-9]+ +- +$TOKEN-0\$"; }
