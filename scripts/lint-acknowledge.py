"""Copies a cloud assembly's templates and writes lint-acknowledgements.yaml's entries for one
target into them, as each resource's own cfn-lint and checkov metadata. Used by lint-templates.sh.

    python scripts/lint-acknowledge.py <target> <assembly dir> <copy dir>

Fails when an entry has no reason or matches no resource.
"""
import glob
import json
import os
import sys

import yaml

target, source, destination = sys.argv[1:4]
with open("lint-acknowledgements.yaml") as file:
    entries = (yaml.safe_load(file) or {}).get(target) or []

templates = {}
for path in sorted(glob.glob(os.path.join(source, "*.template.json"))):
    with open(path) as file:
        templates[os.path.basename(path)] = json.load(file)

problems = []
for entry in entries:
    prefix, kind = entry["resource"], entry["type"]
    rules = {**(entry.get("cfn-lint") or {}), **(entry.get("checkov") or {})}
    problems += [f"{prefix}: give a reason for {rule}" for rule, reason in rules.items() if not str(reason or "").strip()]
    matches = [
        (name, logical_id, resource)
        for name, template in templates.items()
        for logical_id, resource in (template.get("Resources") or {}).items()
        if logical_id.startswith(prefix) and resource.get("Type") == kind
    ]
    if not matches:
        problems.append(f"{prefix} ({kind}) matches no resource in {source}; remove its entry")
    for name, logical_id, resource in matches:
        metadata = resource.setdefault("Metadata", {})
        if entry.get("cfn-lint"):
            ignored = metadata.setdefault("cfn-lint", {}).setdefault("config", {}).setdefault("ignore_checks", [])
            ignored += list(entry["cfn-lint"])
        if entry.get("checkov"):
            skips = metadata.setdefault("checkov", {}).setdefault("skip", [])
            skips += [{"id": rule, "comment": reason.strip()} for rule, reason in entry["checkov"].items()]
        print(f"   acknowledged on {name} {logical_id}: {', '.join(rules)}")

if problems:
    sys.exit("lint-acknowledgements.yaml: " + "; ".join(problems))

os.makedirs(destination, exist_ok=True)
for name, template in templates.items():
    with open(os.path.join(destination, name), "w") as file:
        json.dump(template, file, indent=1)
