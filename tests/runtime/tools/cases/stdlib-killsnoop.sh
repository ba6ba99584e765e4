# stdlib/killsnoop.et: as killsnoop.bt.
. "$HERE/cases/killsnoop.sh"
