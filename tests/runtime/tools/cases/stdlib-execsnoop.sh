# stdlib/execsnoop.et (PID column 6 wide): as execsnoop.bt.
. "$HERE/cases/execsnoop.sh"
