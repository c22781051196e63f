#!/usr/bin/env bash
# Lints every template the gateway synthesizes: cfn-lint with no error or warning, checkov with no
# failed check beyond checkov-skips.yaml. Six gateways cover both origin and both edge modes: the
# TypeScript examples (VPC origins; two cells besides the gateway's own fleet) and the fixtures (secret header with WAF and CloudFront logging;
# multi-tenant distribution with DNS-validated certificates; DNS-validated certificates requested
# from eu-west-1, with the app on ECS Fargate; a multi-tenant distribution with a tenant control plane).
# Ignored cfn-lint rules live in .cfnlintrc.yaml; both files give a reason for every entry.
#
#   bash scripts/lint-templates.sh                      # synthesize the example and fixtures, lint them
#   bash scripts/lint-templates.sh name=cdk.out [...]   # lint cloud assemblies synthesized elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."

CFN_LINT_VERSION=1.58.0
CHECKOV_VERSION=3.3.30
VENV=.venv/lint
FIXTURE_OUT=cdk.out/lint-fixture
started=$SECONDS

echo "== tools: cfn-lint $CFN_LINT_VERSION, checkov $CHECKOV_VERSION in $VENV"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# pip takes seconds even when there is nothing to do; ask it only when a version differs.
"$VENV/bin/python" - "$CFN_LINT_VERSION" "$CHECKOV_VERSION" 2>/dev/null <<'PY' ||
import sys
from importlib.metadata import version
sys.exit((version("cfn-lint"), version("checkov")) != tuple(sys.argv[1:3]))
PY
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION"
echo "   ready after $((SECONDS - started)) s"

declare -A TARGETS=()
names=()
if [ $# -eq 0 ]; then
  echo "== synthesize"
  npm run --silent example >/dev/null
  npm run --silent example:cells >/dev/null
  rm -rf "$FIXTURE_OUT"
  npx ts-node --project tsconfig.dev.json scripts/synth-fixture.ts "$FIXTURE_OUT"
  echo "   synthesized after $((SECONDS - started)) s"
  TARGETS=([example]=examples/cdk.out [cells]=examples/typescript/cdk.out [fixture]=$FIXTURE_OUT)
  names=(example cells fixture)
else
  for argument in "$@"; do
    [[ "$argument" == *=* && -f "${argument#*=}/manifest.json" ]] ||
      { echo "lint-templates.sh: expected name=<cloud assembly directory>, got $argument" >&2; exit 2; }
    TARGETS[${argument%%=*}]=${argument#*=}
    names+=("${argument%%=*}")
  done
fi

status=0

echo "== cfn-lint (rules ignored in .cfnlintrc.yaml)"
for target in "${names[@]}"; do
  templates=("${TARGETS[$target]}"/*.template.json)
  if "$VENV/bin/cfn-lint" -- "${templates[@]}"; then
    echo "   $target: ${#templates[@]} templates, no errors or warnings"
  else
    echo "   $target: cfn-lint FAILED (findings above)"
    status=1
  fi
done

echo "== checkov (skips in checkov-skips.yaml and in resource metadata)"
for target in "${names[@]}"; do
  templates=("${TARGETS[$target]}"/*.template.json)
  skips=$("$VENV/bin/python" - "$target" <<'PY'
import sys, yaml
skips = (yaml.safe_load(open('checkov-skips.yaml')) or {}).get(sys.argv[1]) or {}
missing = [check for check, reason in skips.items() if not str(reason or '').strip()]
if missing:
    sys.exit(f"checkov-skips.yaml: give a reason for {', '.join(missing)}")
print(','.join(skips))
PY
)
  args=(--framework cloudformation --compact --quiet --skip-download)
  [ -n "$skips" ] && args+=(--skip-check "$skips")
  for t in "${templates[@]}"; do args+=(--file "$t"); done
  if out=$("$VENV/bin/checkov" "${args[@]}" 2>&1); then result=0; else result=$?; fi
  echo "$out" | grep -v '^\s*$' | sed 's/^/   /'
  summary=$(echo "$out" | grep -E '^Passed checks:' || true)
  if [ "$result" -ne 0 ] || [ -z "$summary" ]; then
    echo "   $target: checkov FAILED"
    status=1
  else
    echo "   $target: ${#templates[@]} templates; skipped by checkov-skips.yaml: ${skips:-none}"
  fi
done

echo "== done in $((SECONDS - started)) s: $([ $status -eq 0 ] && echo 'all templates clean' || echo 'FAILURES above')"
exit $status
