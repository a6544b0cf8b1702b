#!/bin/bash
# A one-node Slurm cluster on this machine, for grist run's tests and demos (root only):
#   tests/slurm/cluster.sh up DIR [PORT]     start munged (if needed), slurmctld and slurmd
#   tests/slurm/cluster.sh down DIR          stop what `up` started
# The configuration, state and logs live in DIR; clients find it through SLURM_CONF, which
# `up` prints (export SLURM_CONF=DIR/slurm.conf). Nothing under /etc is changed. PORT (default
# 16817) and PORT+1 are slurmctld's and slurmd's ports.
set -u
cmd=${1:-} dir=${2:-} port=${3:-16817}
die() { echo "slurm cluster: $*" >&2; exit 1; }
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: $0 up|down DIR [PORT]"

down() {
	for d in slurmd slurmctld; do
		local pid
		pid=$(cat "$dir/$d.pid" 2>/dev/null) || continue
		kill "$pid" 2>/dev/null
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
		rm -f "$dir/$d.pid"
	done
	if [ -f "$dir/munged.started" ]; then
		pkill -x munged 2>/dev/null
		rm -f "$dir/munged.started"
	fi
	return 0
}

if [ "$cmd" = down ]; then
	down
	echo "slurm cluster: stopped ($dir)"
	exit 0
fi
[ "$cmd" = up ] || die "usage: $0 up|down DIR [PORT]"
[ "$(id -u)" = 0 ] || die "needs root (slurmd runs jobs as their users; this script configures a root-run test node)"
for c in munged slurmctld slurmd sbatch sinfo; do
	command -v $c >/dev/null || die "$c not found: install slurm-wlm and munge (make deps)"
done
mkdir -p "$dir" || die "cannot create $dir"
dir=$(cd "$dir" && pwd)
down >/dev/null 2>&1
rm -rf "$dir/state" "$dir/spool" && mkdir -p "$dir/state" "$dir/spool"
for p in $port $((port + 1)); do
	if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
		die "port $p is in use (another cluster running? $0 down DIR)"
	fi
done

# munge: the key comes with the Debian package; the socket directory may be missing
if ! pgrep -x munged >/dev/null; then
	[ -s /etc/munge/munge.key ] || { mungekey --create 2>/dev/null || die "no /etc/munge/munge.key"; chown munge:munge /etc/munge/munge.key; }
	mkdir -p /run/munge /var/log/munge /var/lib/munge
	chown munge:munge /run/munge /var/log/munge /var/lib/munge
	runuser -u munge -- munged || die "munged did not start"
	touch "$dir/munged.started"
fi
munge -n | unmunge >/dev/null 2>&1 || die "munge does not work (munge -n | unmunge)"

host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
cat >"$dir/slurm.conf" <<CONF
ClusterName=grist
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=300
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF" || die "slurmctld did not start (see $dir/slurmctld.log)"
slurmd -f "$SLURM_CONF" || die "slurmd did not start (see $dir/slurmd.log)"
for _ in $(seq 1 100); do
	state=$(sinfo -h -o %T 2>/dev/null | head -1)
	[ "$state" = idle ] && break
	sleep 0.2
done
[ "$state" = idle ] || { tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2; die "node not idle after 20 s (state: ${state:-none})"; }
echo "slurm cluster: up, one node ($host, $cpus CPUs), partition debug"
echo "export SLURM_CONF=$SLURM_CONF"
