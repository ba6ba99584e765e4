# stdlib/syscount.et: as syscount.bt.
. "$HERE/cases/syscount.sh"
