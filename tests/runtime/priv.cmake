# Runtime tests of least privilege, signed artifacts and the audit log
# (runtime/priv.h, sign.h, audit.h; issue #17), real BPF as root (label
# runtime; 77 = skipped). setpriv (util-linux) runs etrace-run as nobody
# with only CAP_BPF and CAP_PERFMON; openssl makes the Ed25519 keys.
etrace_runtime_cases(priv ${CMAKE_CURRENT_LIST_DIR}/priv.sh 120
  ARGS $<TARGET_FILE:etrace> $<TARGET_FILE:etrace-run>
       $<TARGET_FILE:rt_target>
  CASES dropped_after_attach user_flag kept_when_needed kstack_dropped
        other_users_stack exit_before_maps exited_child_symbols
        stack_lines_other_user seccomp_kills_etrace
        child_ended_by_helper caps_only missing_cap signed unsigned altered
        wrong_key audit_records audit_tamper audit_required audit_concurrent)
