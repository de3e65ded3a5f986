"""Runs checkov on the synthesized CloudFormation templates.

Checks that do not apply are listed in the skip file, each with a reason and, where it
applies to some resources only, the logical-ID prefixes of those resources (logical IDs of
this app are stable; tests pin them). A listed (check, resource) failure counts as
skipped; any other failure fails the run. Prints the passed, failed and skipped counts.

checkov runs offline: it calls no outside service. By default it asks PyPI for a newer
version (checkov/common/util/banner.py) and downloads check guidelines and ID mappings from
the Prisma Cloud API (BcPlatformIntegration.get_public_run_config); `--skip-download` and
CKV_SKIP_PACKAGE_UPDATE_CHECK turn those off, and settings that would connect it to the
platform (an API key) are not passed on. checkov catches network errors and carries on, so
it runs in a Python whose sockets refuse every network address and report each attempt,
which fails the run; a probe proves the guard works before each run.

Usage: checkov.py <cdk.out directory> <skip file>
"""
import json
import os
import subprocess
import sys

import yaml

MIN_REASON_LENGTH = 40

OFFLINE_ARGUMENTS = ["--skip-download"]
OFFLINE_ENVIRONMENT = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "True", "BC_SKIP_MAPPING": "TRUE"}
# checkov reads its options from these environment prefixes too (BC_API_KEY, PRISMA_API_URL,
# CKV_FRAMEWORK, ...): none of them may change what CI runs or where it connects.
IGNORED_ENVIRONMENT_PREFIXES = ("BC_", "CKV_", "PRISMA_", "CHECKOV_")

REFUSED_MARKER = "OUTSIDE CALL REFUSED:"
NETWORK_GUARD = f"""
import socket, sys

def _refuse(target):
    sys.stderr.write("{REFUSED_MARKER} %s\\n" % (target,))
    raise OSError("checkov must run offline in CI: %s" % (target,))

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

def _guard(original):
    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse(address)
        return original(self, address)
    return guarded

socket.socket.connect = _guard(_connect)
socket.socket.connect_ex = _guard(_connect_ex)
socket.getaddrinfo = lambda host, *args, **kwargs: _refuse(host)
"""
RUN_CHECKOV = """
import warnings
from checkov.main import Checkov
with warnings.catch_warnings():
    warnings.simplefilter("ignore", category=SyntaxWarning)
    sys.exit(Checkov().run())
"""
PROBE = """
socket.create_connection(("pypi.org", 443), timeout=5)
"""


def offline_environment():
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(IGNORED_ENVIRONMENT_PREFIXES)
    }
    environment.update(OFFLINE_ENVIRONMENT)
    return environment


def run_offline(code, arguments):
    return subprocess.run(
        [sys.executable, "-c", NETWORK_GUARD + code, *arguments],
        capture_output=True,
        text=True,
        check=False,
        env=offline_environment(),
    )


def check_network_guard():
    probe = run_offline(PROBE, [])
    if probe.returncode == 0 or REFUSED_MARKER not in probe.stderr:
        sys.exit(f"the network guard let a connection through; checkov would not be offline:\n{probe.stderr}")


def load_skips(path):
    with open(path, encoding="utf-8") as handle:
        entries = yaml.safe_load(handle) or []
    problems = []
    for index, entry in enumerate(entries):
        check_id = str(entry.get("id", "")).strip()
        reason = " ".join(str(entry.get("reason", "")).split())
        if not check_id.startswith("CKV"):
            problems.append(f"{path}[{index}]: id {check_id!r} is not a checkov check id")
        if len(reason) < MIN_REASON_LENGTH:
            problems.append(f"{path}[{index}] ({check_id}): a skipped check needs a specific reason")
        resources = entry.get("resources")
        if resources is not None and (not isinstance(resources, list) or not resources):
            problems.append(f"{path}[{index}] ({check_id}): resources must be a non-empty list of logical-ID prefixes")
    if problems:
        sys.exit("\n".join(problems))
    return entries


def skip_for(skips, check_id, logical_id):
    for entry in skips:
        if entry["id"] != check_id:
            continue
        prefixes = entry.get("resources")
        if prefixes is None or any(logical_id.startswith(prefix) for prefix in prefixes):
            return entry
    return None


def main(directory, skip_file):
    skips = load_skips(skip_file)
    check_network_guard()
    arguments = ["--directory", directory, "--framework", "cloudformation", "--output", "json", "--quiet"]
    completed = run_offline(RUN_CHECKOV, arguments + OFFLINE_ARGUMENTS)
    refused = [line for line in completed.stderr.splitlines() if line.startswith(REFUSED_MARKER)]
    if refused:
        sys.exit("checkov tried to call outside services:\n" + "\n".join(refused))
    try:
        reports = json.loads(completed.stdout)
    except json.JSONDecodeError:
        sys.exit(f"checkov did not produce a JSON report:\n{completed.stdout}\n{completed.stderr}")
    reports = reports if isinstance(reports, list) else [reports]
    passed = skipped = 0
    failures = []
    used = set()
    for report in reports:
        results = report.get("results", {})
        # --quiet leaves passed checks out of the results; the summary still counts them.
        passed += report.get("summary", {}).get("passed", 0)
        skipped += report.get("summary", {}).get("skipped", 0)
        for check in results.get("failed_checks", []):
            logical_id = check["resource"].split(".", 1)[-1]
            entry = skip_for(skips, check["check_id"], logical_id)
            if entry is not None:
                skipped += 1
                used.add(id(entry))
                print(f"skipped {check['check_id']} on {logical_id}")
            else:
                failures.append(f"FAILED {check['check_id']} {check['check_name']}: {check['file_path']} {check['resource']}")
    for failure in failures:
        print(failure)
    for entry in skips:
        if id(entry) not in used:
            print(f"note: skip entry {entry['id']} {entry.get('resources', '')} matched nothing; remove it if it is obsolete")
    print(
        f"checkov summary: passed {passed}, failed {len(failures)}, skipped {skipped} "
        f"(acknowledged in {skip_file}, {len(skips)} entries)"
    )
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
