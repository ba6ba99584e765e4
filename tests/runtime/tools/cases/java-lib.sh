# Sourced by the stdlib-java*.sh cases: Debian's OpenJDK 17 (whose
# libjvm.so the recipes probe) and the activity program,
# tests/progs/java-recipes/JRecipes.java, compiled once per source
# version into the harness's output directory (the tools tests run one
# at a time: RESOURCE_LOCK system-wide-tracer).
# shellcheck shell=bash disable=SC2034
JDK=/usr/lib/jvm/java-17-openjdk-amd64
JAVA=$JDK/bin/java
JAVA_SRC=$SRC/tests/progs/java-recipes/JRecipes.java
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no Java recipes"

# java_classes: the directory of the compiled program in JCLASSES
java_classes() {
	local sum tmp

	[ -x "$JDK/bin/javac" ] ||
		{ echo "no $JDK/bin/javac (openjdk-17-jdk-headless)"; return 1; }
	sum=$(sha256sum "$JAVA_SRC" | cut -c1-16)
	JCLASSES=$OUT/java-recipes-$sum
	[ -f "$JCLASSES/JRecipes.class" ] && return 0
	tmp=$(mktemp -d "$OUT/java-recipes.XXXXXX") || return 1
	"$JDK/bin/javac" -d "$tmp" "$JAVA_SRC" || { rm -rf "$tmp"; return 1; }
	rm -rf "$JCLASSES"
	mv "$tmp" "$JCLASSES"
}

prepare() {
	java_classes
}

# jrun MODE N [FLAGS...]: the program in the background, its pid in JPID,
# waited for; TOKEN names what it can
jrun() {
	local mode=$1 n=$2

	shift 2
	"$JAVA" "$@" -cp "$JCLASSES" JRecipes "$mode" "$n" "$TOKEN" \
		"$JCLASSES" &
	JPID=$!
	wait "$JPID"
}
