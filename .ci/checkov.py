"""Runs checkov on the synthesized CloudFormation templates.

Checks that do not apply are listed in the skip file, each with a reason and, where it
applies to some resources only, the logical-ID prefixes of those resources (logical IDs of
this app are stable; tests pin them). A listed (check, resource) failure counts as
skipped; any other failure fails the run. Prints the passed, failed and skipped counts.

Usage: checkov.py <cdk.out directory> <skip file>
"""
import json
import os
import subprocess
import sys

import yaml

MIN_REASON_LENGTH = 40


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
    checkov = os.path.join(os.path.dirname(sys.executable), "checkov")
    command = [checkov, "--directory", directory, "--framework", "cloudformation", "--output", "json", "--quiet"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
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
