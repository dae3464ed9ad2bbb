#!/usr/bin/env bash
# Fuzzes every reader of outside input with CsCheck generators, each target for SECONDS
# (default 120): the Nulecule loader, the answers readers (INI, JSON, YAML), the templating
# (structured and text fallback), the docker-run tokenizer, and the tar extractor.
# A target fails on any exception other than a located NuleculeException, on one input taking
# over 5 s, or on a broken property (a value adding a document or an option, a link leaving the
# extracted tree). The failing input and its seed are printed; replay with CsCheck_Seed=SEED.
# Every `dotnet test` runs the same targets for 2 s each (tests/*/Fuzz*).
#
#   scripts/fuzz.sh            # 2 minutes per target
#   scripts/fuzz.sh 600        # 10 minutes per target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
export NULECULE_FUZZ_SECONDS=$seconds
export NULECULE_FUZZ_REPORT=${NULECULE_FUZZ_REPORT:-$PWD/TestResults/fuzz-report.txt}
mkdir -p "$(dirname "$NULECULE_FUZZ_REPORT")"
: > "$NULECULE_FUZZ_REPORT"
build=(dotnet build -nologo -v q)
test=(dotnet test --no-build -nologo --logger "console;verbosity=normal")
if [ -x /work/nb ]; then build=(/work/nb "${build[@]}"); test=(/work/nb "${test[@]}"); fi
"${build[@]}" tests/Nulecule.Tests
"${build[@]}" tests/Nulecule.Docker.Tests
status=0
# One target at a time, so that each gets the whole time (the test runner would share it).
for target in \
  Nulecule.Tests.Fuzz.FuzzTargets.Should_load_any_nulecule_text_or_locate_its_error \
  Nulecule.Tests.Fuzz.FuzzTargets.Should_read_any_ini_answers_or_locate_the_error \
  Nulecule.Tests.Fuzz.FuzzTargets.Should_read_any_json_answers_or_locate_the_error \
  Nulecule.Tests.Fuzz.FuzzTargets.Should_read_any_yaml_answers_or_locate_the_error \
  Nulecule.Tests.Fuzz.FuzzTargets.Should_render_any_artifact_structurally_or_locate_the_error \
  Nulecule.Tests.Fuzz.FuzzTargets.Should_render_any_artifact_as_text_keeping_its_objects_or_locate_the_error \
  Nulecule.Tests.Fuzz.FuzzTargets.Should_tokenize_any_docker_run_artifact_or_locate_the_error \
  Nulecule.Tests.Fuzz.FuzzTargets.Should_never_let_a_value_become_an_option \
  Nulecule.Docker.Tests.SafeTarExtractorFuzz.Should_never_leave_the_destination_whatever_the_archive; do
  project=tests/Nulecule.Tests
  case "$target" in Nulecule.Docker.Tests.*) project=tests/Nulecule.Docker.Tests ;; esac
  start=$(date +%s)
  if out=$("${test[@]}" "$project" --filter "FullyQualifiedName=$target" 2>&1); then result=ok; else result=FAILED; status=1; fi
  echo "$result ${target##*.} $(( $(date +%s) - start ))s: $(grep "${target##*.}" "$NULECULE_FUZZ_REPORT" | tail -n 1 | cut -d' ' -f2- || true)"
  [ "$result" = ok ] || echo "$out" | sed -n '/Error Message/,/Stack Trace/p'
done
exit $status
