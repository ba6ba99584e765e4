# stdlib/javaclassload.et: a JVM defining JPlugin through 3 class
# loaders, then dropping them and collecting: 3 load lines of JPlugin
# and 3 unloads, the only classes its full collection unloads.
HEADER=1
EVENT_RE='^[0-9]+ +(load|unload) +(shared|-) +0x[0-9a-f]+ '
. "$HERE/cases/java-lib.sh"
activity() {
	jrun classload 3
	EXPECT+=("^$JPID +load +- +0x[0-9a-f]+ +JPlugin\$"
		 "^$JPID +unload +- +0x[0-9a-f]+ +JPlugin\$"
		 "^@loaded\[$JPID\]: [0-9]{3,}\$")
}
mark() { echo "^@unloaded\[$JPID\]: 3\$"; }
