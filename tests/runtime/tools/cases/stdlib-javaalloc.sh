# stdlib/javaalloc.et: a JVM with -XX:+DTraceAllocProbes allocating 1000
# JRecipes$Blob objects (24 bytes each) and 100 JRecipes$Blob[10] (56
# bytes each) shows 24000 bytes and 1000 objects of the class, 5600
# bytes and 100 objects of the array; one without the flag is named as
# such.
HEADER=2
. "$HERE/cases/java-lib.sh"
activity() {
	jrun sleep 1000
	OFF=$JPID
	jrun alloc 1000 -XX:+DTraceAllocProbes
	EXPECT+=("^JVM $OFF: -XX:\+DTraceAllocProbes is off, its allocations are not seen "
		 '^@objects\[JRecipes\$Blob\]: 1000$'
		 '^@bytes\[\[LJRecipes\$Blob;\]: 5600$'
		 '^@objects\[\[LJRecipes\$Blob;\]: 100$')
}
mark() { echo '^@bytes\[JRecipes\$Blob\]: 24000$'; }
