# stdlib/javagc.et: a JVM calling System.gc() 5 times makes 5 full
# collections, each a pause of G1's "G1 Old Generation" (G1 is the
# default collector) counted for its pid, and in the histogram; one
# making 256 MB of garbage in a 32 MB heap has young collections ("G1
# Young Generation").
HEADER=2
. "$HERE/cases/java-lib.sh"
activity() {
	jrun garbage 256 -Xmx32m
	EXPECT+=("^@pauses\[$JPID, G1 Young Generation\]: [1-9][0-9]*\$")
	jrun gc 5
}
mark() { echo "^@pauses\[$JPID, G1 Old Generation\]: 5\$"; }
EXPECT=('^@pause_us\[G1 Old Generation\]: $' '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[1-5] \|@+ *\|$')
