#compdef customs

__customs_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__customs_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __customs_complete "${completions[@]:0:-1}"
    fi
}

__customs_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_customs() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'scan:Scan images for leaked credentials.'
            'lint:Check a Dockerfile and its build context for leaks before building.'
            'audit:Audit many images with many workers through a shared store; report what is new and fixed.'
            'baseline:Record accepted findings (fingerprints only, never secrets).'
            'rules:Show the detection rules.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        scan|lint|audit|baseline|rules|help)
            "_customs_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_customs_scan() {
    local -i ret=1
    local -ar ___format=('text' 'json' 'jsonl' 'sarif' 'gitlab' 'html')
    local -ar ___fail_on=('low' 'medium' 'high' 'critical')
    local -ar ___min_confidence=('low' 'medium' 'high')
    local -ar arg_specs=(
        '*:targets:'
        '--platform[Scan only this platform of multi-platform images (os/arch\[/variant\]).]:platform:'
        '*--rules[A folder of extra rule files (*.yaml) to add to the built-in rules. Repeatable.]:dir:'
        '--config[Settings file (default\: ./.customs.yaml when present).]:file:'
        '(-q --quiet)'{-q,--quiet}'[No progress line on standard error.]'
        '--no-default-allowlist[Report known noise too (test suites and SDK examples inside installed packages, TLS self-test keys); see the README.]'
        '--no-cache[Neither read nor write the layer cache.]'
        '*--skip-path[Do not report findings in files whose in-image path matches GLOB (e.g. '\''usr/share/doc/**'\''); they are counted in the report. Repeatable.]:glob:'
        '--timeout[Stop the whole run after this long (90s, 30m, 2h)\: what was scanned is reported, the rest is incomplete coverage (exit 3, or 1 with findings).]:duration:'
        '--cache-dir[Layer cache folder (default\: $XDG_CACHE_HOME/customs or ~/.cache/customs).]:dir:'
        '--all-tags[Treat each repository target (no tag or digest) as all of its tags.]'
        '--username[User name for the registries named by the targets (with --password-stdin).]:name:'
        '--password-stdin[Read the registry password or token from standard input.]'
        '--ca-file[Extra CA certificates (PEM) to trust for registries.]:file:'
        '*--insecure-registry[A registry (HOST\[\:PORT\]) to reach over plain http. Repeatable.]:host:'
        '--format[Output format\: text, json, jsonl, sarif, gitlab, html.]:format:{__customs_complete "${___format[@]}"}'
        '(-o --output)'{-o,--output}'[Write the report to FILE (created with mode 0600) instead of standard output.]:file:'
        '--fail-on[Lowest severity that makes the exit code 1\: low, medium, high, critical (default\: low).]:fail-on:{__customs_complete "${___fail_on[@]}"}'
        '--min-confidence[Hide findings below this confidence\: low, medium, high (default\: medium; hidden ones are counted).]:min-confidence:{__customs_complete "${___min_confidence[@]}"}'
        '--baseline[Report only findings not in this baseline (see `customs baseline create`).]:file:'
        '--show-secrets[Print secrets in full instead of redacted. Never use in shared CI logs.]'
        '--all-rules[SARIF\: describe every rule the scan ran, not only those with results.]'
        '--exit-code[The exit code for findings at or above --fail-on (default 1; 0 for report-only runs).]:n:'
        '*--dockerfile[The Dockerfile the image was built from\: findings point at its lines (SARIF on the file). Repeatable\: the n-th goes with the n-th target; one goes with all.]:path:'
        '--build-context[The build context directory the Dockerfile was built with\: fixes say whether its .dockerignore keeps a leaked file out.]:dir:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_customs_lint() {
    local -i ret=1
    local -ar ___format=('text' 'json' 'sarif')
    local -ar ___fail_on=('low' 'medium' 'high' 'critical')
    local -ar arg_specs=(
        ':dockerfile:'
        '--context[The build context directory (default\: the Dockerfile'\''s directory); --no-context skips it.]:dir:'
        '--no-context[Check the Dockerfile only, not a build context.]'
        '--format[Output format\: text, json, sarif.]:format:{__customs_complete "${___format[@]}"}'
        '--fail-on[Lowest severity that makes the exit code 1 (default\: low).]:fail-on:{__customs_complete "${___fail_on[@]}"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_customs_audit() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'run:Scan a run'\''s images as one of its workers (start every worker the same way).'
            'report:What a run found new, fixed and still present, and how each item went.'
            'migrate:Create or upgrade the store'\''s schema (run and report do it too; a deployment may do it first).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        run|report|migrate)
            "_customs_audit_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_customs_audit_run() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[postgres\://USER@HOST\[\:PORT\]/DB, or sqlite\:PATH (the default\: $XDG_DATA_HOME/customs/audit.sqlite)]:url:'
        '--run[The run'\''s name, the same for all its workers (default\: run-<time>).]:name:'
        '--workers[Workers in this process.]:workers:'
        '--lease[Seconds a worker holds an item between renewals.]:s:'
        '*--repo[With registry\://HOST\: audit repositories matching GLOB. Repeatable.]:glob:'
        '--tags[With registry\://HOST\: all tags, newest\:N (by the config'\''s created), or those matching a glob.]:policy:'
        '--notify[POST a Slack-compatible summary (redacted) when the run finishes; retried, never fails the run (default\: $CUSTOMS_NOTIFY_URL, which keeps a webhook'\''s secret off the command line).]:url:'
        '*:targets:'
        '--platform[Scan only this platform of multi-platform images (os/arch\[/variant\]).]:platform:'
        '*--rules[A folder of extra rule files (*.yaml) to add to the built-in rules. Repeatable.]:dir:'
        '--config[Settings file (default\: ./.customs.yaml when present).]:file:'
        '(-q --quiet)'{-q,--quiet}'[No progress line on standard error.]'
        '--no-default-allowlist[Report known noise too (test suites and SDK examples inside installed packages, TLS self-test keys); see the README.]'
        '--no-cache[Neither read nor write the layer cache.]'
        '*--skip-path[Do not report findings in files whose in-image path matches GLOB (e.g. '\''usr/share/doc/**'\''); they are counted in the report. Repeatable.]:glob:'
        '--timeout[Stop the whole run after this long (90s, 30m, 2h)\: what was scanned is reported, the rest is incomplete coverage (exit 3, or 1 with findings).]:duration:'
        '--cache-dir[Layer cache folder (default\: $XDG_CACHE_HOME/customs or ~/.cache/customs).]:dir:'
        '--all-tags[Treat each repository target (no tag or digest) as all of its tags.]'
        '--username[User name for the registries named by the targets (with --password-stdin).]:name:'
        '--password-stdin[Read the registry password or token from standard input.]'
        '--ca-file[Extra CA certificates (PEM) to trust for registries.]:file:'
        '*--insecure-registry[A registry (HOST\[\:PORT\]) to reach over plain http. Repeatable.]:host:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_customs_audit_report() {
    local -i ret=1
    local -ar ___format=('text' 'json' 'jsonl' 'sarif' 'html')
    local -ar ___fail_on_new=('low' 'medium' 'high' 'critical')
    local -ar arg_specs=(
        '--store[postgres\://USER@HOST\[\:PORT\]/DB, or sqlite\:PATH (the default\: $XDG_DATA_HOME/customs/audit.sqlite)]:url:'
        '--run[The run (default\: the latest).]:name:'
        '--since[Compare with this run, or the last run started before this date (YYYY-MM-DD or an ISO 8601 time) (default\: the run before).]:run|date:'
        '--format[Output format\: text, json, jsonl, sarif, html.]:format:{__customs_complete "${___format[@]}"}'
        '--fail-on-new[Exit 1 when a new finding is at or above this severity.]:fail-on-new:{__customs_complete "${___fail_on_new[@]}"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_customs_audit_migrate() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[postgres\://USER@HOST\[\:PORT\]/DB, or sqlite\:PATH (the default\: $XDG_DATA_HOME/customs/audit.sqlite)]:url:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_customs_baseline() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'create:Scan TARGETs and write every finding'\''s fingerprint to a baseline file.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        create)
            "_customs_baseline_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_customs_baseline_create() {
    local -i ret=1
    local -ar arg_specs=(
        '*:targets:'
        '--platform[Scan only this platform of multi-platform images (os/arch\[/variant\]).]:platform:'
        '*--rules[A folder of extra rule files (*.yaml) to add to the built-in rules. Repeatable.]:dir:'
        '--config[Settings file (default\: ./.customs.yaml when present).]:file:'
        '(-q --quiet)'{-q,--quiet}'[No progress line on standard error.]'
        '--no-default-allowlist[Report known noise too (test suites and SDK examples inside installed packages, TLS self-test keys); see the README.]'
        '--no-cache[Neither read nor write the layer cache.]'
        '*--skip-path[Do not report findings in files whose in-image path matches GLOB (e.g. '\''usr/share/doc/**'\''); they are counted in the report. Repeatable.]:glob:'
        '--timeout[Stop the whole run after this long (90s, 30m, 2h)\: what was scanned is reported, the rest is incomplete coverage (exit 3, or 1 with findings).]:duration:'
        '--cache-dir[Layer cache folder (default\: $XDG_CACHE_HOME/customs or ~/.cache/customs).]:dir:'
        '--all-tags[Treat each repository target (no tag or digest) as all of its tags.]'
        '--username[User name for the registries named by the targets (with --password-stdin).]:name:'
        '--password-stdin[Read the registry password or token from standard input.]'
        '--ca-file[Extra CA certificates (PEM) to trust for registries.]:file:'
        '*--insecure-registry[A registry (HOST\[\:PORT\]) to reach over plain http. Repeatable.]:host:'
        '(-o --output)'{-o,--output}'[The baseline file to write (mode 0600).]:file:'
        '--baseline[Keep only the findings this older baseline accepted (re-keys a version 1 baseline, or one made with another fingerprint key'\''s findings found again).]:file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_customs_rules() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List every rule: id, severity, confidence, name.'
            'check:Compile every rule and run its examples and negative examples through the regex and the scan pipeline.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|check)
            "_customs_rules_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_customs_rules_list() {
    local -i ret=1
    local -ar ___format=('text' 'json')
    local -ar arg_specs=(
        '*--rules[A folder of extra rule files to include. Repeatable.]:dir:'
        '--format[Output format\: text (a line per rule) or json (an array of rules).]:format:{__customs_complete "${___format[@]}"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_customs_rules_check() {
    local -i ret=1
    local -ar arg_specs=(
        '*--rules[A folder of extra rule files to check with the built-in ones. Repeatable.]:dir:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_customs_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _customs ]]; then
    _customs "${@}"
else
    compdef _customs customs
fi
