# stdlib/opensnoop.et: as opensnoop.bt.
. "$HERE/cases/opensnoop.sh"
