function __customs_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __customs_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __customs_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __customs_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __customs_parse_tokens -S
    set -l unparsed_tokens (__customs_tokens -pc)
    switch $unparsed_tokens[1]
    case 'customs'
        __customs_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'scan'
            __customs_parse_subcommand -r 1 'platform=' 'rules=+' 'config=' 'q/quiet' 'no-default-allowlist' 'no-cache' 'skip-path=+' 'timeout=' 'cache-dir=' 'all-tags' 'username=' 'password-stdin' 'ca-file=' 'insecure-registry=+' 'format=' 'o/output=' 'fail-on=' 'min-confidence=' 'baseline=' 'show-secrets' 'all-rules' 'exit-code=' 'dockerfile=+' 'build-context=' 'version' 'h/help'
        case 'lint'
            __customs_parse_subcommand 1 'context=' 'no-context' 'format=' 'fail-on=' 'version' 'h/help'
        case 'audit'
            __customs_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'run'
                __customs_parse_subcommand -r 1 'store=' 'run=' 'workers=' 'lease=' 'repo=+' 'tags=' 'notify=' 'platform=' 'rules=+' 'config=' 'q/quiet' 'no-default-allowlist' 'no-cache' 'skip-path=+' 'timeout=' 'cache-dir=' 'all-tags' 'username=' 'password-stdin' 'ca-file=' 'insecure-registry=+' 'version' 'h/help'
            case 'report'
                __customs_parse_subcommand 0 'store=' 'run=' 'since=' 'format=' 'fail-on-new=' 'version' 'h/help'
            case 'migrate'
                __customs_parse_subcommand 0 'store=' 'version' 'h/help'
            end
        case 'baseline'
            __customs_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __customs_parse_subcommand -r 1 'platform=' 'rules=+' 'config=' 'q/quiet' 'no-default-allowlist' 'no-cache' 'skip-path=+' 'timeout=' 'cache-dir=' 'all-tags' 'username=' 'password-stdin' 'ca-file=' 'insecure-registry=+' 'o/output=' 'baseline=' 'version' 'h/help'
            end
        case 'rules'
            __customs_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __customs_parse_subcommand 0 'rules=+' 'format=' 'version' 'h/help'
            case 'check'
                __customs_parse_subcommand 0 'rules=+' 'version' 'h/help'
            end
        case 'help'
            __customs_parse_subcommand -r 1 'version'
        end
    end
end

function __customs_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __customs_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __customs_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __customs_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__customs_tokens -p)
    if test -z "$(__customs_tokens -t)"
        set -l index (count (__customs_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'customs' -f
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs" -eq 1' -fa 'scan' -d 'Scan images for leaked credentials.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs" -eq 1' -fa 'lint' -d 'Check a Dockerfile and its build context for leaks before building.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs" -eq 1' -fa 'audit' -d 'Audit many images with many workers through a shared store; report what is new and fixed.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs" -eq 1' -fa 'baseline' -d 'Record accepted findings (fingerprints only, never secrets).'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs" -eq 1' -fa 'rules' -d 'Show the detection rules.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" platform' -l 'platform' -d 'Scan only this platform of multi-platform images (os/arch[/variant]).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan"' -l 'rules' -d 'A folder of extra rule files (*.yaml) to add to the built-in rules. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" config' -l 'config' -d 'Settings file (default: ./.customs.yaml when present).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" q quiet' -s 'q' -l 'quiet' -d 'No progress line on standard error.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" no-default-allowlist' -l 'no-default-allowlist' -d 'Report known noise too (test suites and SDK examples inside installed packages, TLS self-test keys); see the README.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" no-cache' -l 'no-cache' -d 'Neither read nor write the layer cache.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan"' -l 'skip-path' -d 'Do not report findings in files whose in-image path matches GLOB (e.g. \'usr/share/doc/**\'); they are counted in the report. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" timeout' -l 'timeout' -d 'Stop the whole run after this long (90s, 30m, 2h): what was scanned is reported, the rest is incomplete coverage (exit 3, or 1 with findings).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" cache-dir' -l 'cache-dir' -d 'Layer cache folder (default: $XDG_CACHE_HOME/customs or ~/.cache/customs).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" all-tags' -l 'all-tags' -d 'Treat each repository target (no tag or digest) as all of its tags.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" username' -l 'username' -d 'User name for the registries named by the targets (with --password-stdin).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" password-stdin' -l 'password-stdin' -d 'Read the registry password or token from standard input.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" ca-file' -l 'ca-file' -d 'Extra CA certificates (PEM) to trust for registries.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan"' -l 'insecure-registry' -d 'A registry (HOST[:PORT]) to reach over plain http. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" format' -l 'format' -d 'Output format: text, json, jsonl, sarif, gitlab, html.' -rfka 'text json jsonl sarif gitlab html'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" o output' -s 'o' -l 'output' -d 'Write the report to FILE (created with mode 0600) instead of standard output.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" fail-on' -l 'fail-on' -d 'Lowest severity that makes the exit code 1: low, medium, high, critical (default: low).' -rfka 'low medium high critical'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" min-confidence' -l 'min-confidence' -d 'Hide findings below this confidence: low, medium, high (default: medium; hidden ones are counted).' -rfka 'low medium high'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" baseline' -l 'baseline' -d 'Report only findings not in this baseline (see `customs baseline create`).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" show-secrets' -l 'show-secrets' -d 'Print secrets in full instead of redacted. Never use in shared CI logs.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" all-rules' -l 'all-rules' -d 'SARIF: describe every rule the scan ran, not only those with results.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" exit-code' -l 'exit-code' -d 'The exit code for findings at or above --fail-on (default 1; 0 for report-only runs).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan"' -l 'dockerfile' -d 'The Dockerfile the image was built from: findings point at its lines (SARIF on the file). Repeatable: the n-th goes with the n-th target; one goes with all.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" build-context' -l 'build-context' -d 'The build context directory the Dockerfile was built with: fixes say whether its .dockerignore keeps a leaked file out.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs scan" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs lint" context' -l 'context' -d 'The build context directory (default: the Dockerfile\'s directory); --no-context skips it.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs lint" no-context' -l 'no-context' -d 'Check the Dockerfile only, not a build context.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs lint" format' -l 'format' -d 'Output format: text, json, sarif.' -rfka 'text json sarif'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs lint" fail-on' -l 'fail-on' -d 'Lowest severity that makes the exit code 1 (default: low).' -rfka 'low medium high critical'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs lint" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs lint" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs audit" -eq 1' -fa 'run' -d 'Scan a run\'s images as one of its workers (start every worker the same way).'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs audit" -eq 1' -fa 'report' -d 'What a run found new, fixed and still present, and how each item went.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs audit" -eq 1' -fa 'migrate' -d 'Create or upgrade the store\'s schema (run and report do it too; a deployment may do it first).'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" store' -l 'store' -d 'postgres://USER@HOST[:PORT]/DB, or sqlite:PATH (the default: $XDG_DATA_HOME/customs/audit.sqlite)' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" run' -l 'run' -d 'The run\'s name, the same for all its workers (default: run-<time>).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" workers' -l 'workers' -d 'Workers in this process.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" lease' -l 'lease' -d 'Seconds a worker holds an item between renewals.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run"' -l 'repo' -d 'With registry://HOST: audit repositories matching GLOB. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" tags' -l 'tags' -d 'With registry://HOST: all tags, newest:N (by the config\'s created), or those matching a glob.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" notify' -l 'notify' -d 'POST a Slack-compatible summary (redacted) when the run finishes; retried, never fails the run (default: $CUSTOMS_NOTIFY_URL, which keeps a webhook\'s secret off the command line).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" platform' -l 'platform' -d 'Scan only this platform of multi-platform images (os/arch[/variant]).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run"' -l 'rules' -d 'A folder of extra rule files (*.yaml) to add to the built-in rules. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" config' -l 'config' -d 'Settings file (default: ./.customs.yaml when present).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" q quiet' -s 'q' -l 'quiet' -d 'No progress line on standard error.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" no-default-allowlist' -l 'no-default-allowlist' -d 'Report known noise too (test suites and SDK examples inside installed packages, TLS self-test keys); see the README.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" no-cache' -l 'no-cache' -d 'Neither read nor write the layer cache.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run"' -l 'skip-path' -d 'Do not report findings in files whose in-image path matches GLOB (e.g. \'usr/share/doc/**\'); they are counted in the report. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" timeout' -l 'timeout' -d 'Stop the whole run after this long (90s, 30m, 2h): what was scanned is reported, the rest is incomplete coverage (exit 3, or 1 with findings).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" cache-dir' -l 'cache-dir' -d 'Layer cache folder (default: $XDG_CACHE_HOME/customs or ~/.cache/customs).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" all-tags' -l 'all-tags' -d 'Treat each repository target (no tag or digest) as all of its tags.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" username' -l 'username' -d 'User name for the registries named by the targets (with --password-stdin).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" password-stdin' -l 'password-stdin' -d 'Read the registry password or token from standard input.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" ca-file' -l 'ca-file' -d 'Extra CA certificates (PEM) to trust for registries.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run"' -l 'insecure-registry' -d 'A registry (HOST[:PORT]) to reach over plain http. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit report" store' -l 'store' -d 'postgres://USER@HOST[:PORT]/DB, or sqlite:PATH (the default: $XDG_DATA_HOME/customs/audit.sqlite)' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit report" run' -l 'run' -d 'The run (default: the latest).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit report" since' -l 'since' -d 'Compare with this run, or the last run started before this date (YYYY-MM-DD or an ISO 8601 time) (default: the run before).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit report" format' -l 'format' -d 'Output format: text, json, jsonl, sarif, html.' -rfka 'text json jsonl sarif html'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit report" fail-on-new' -l 'fail-on-new' -d 'Exit 1 when a new finding is at or above this severity.' -rfka 'low medium high critical'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit report" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit report" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit migrate" store' -l 'store' -d 'postgres://USER@HOST[:PORT]/DB, or sqlite:PATH (the default: $XDG_DATA_HOME/customs/audit.sqlite)' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit migrate" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs audit migrate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs baseline" -eq 1' -fa 'create' -d 'Scan TARGETs and write every finding\'s fingerprint to a baseline file.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" platform' -l 'platform' -d 'Scan only this platform of multi-platform images (os/arch[/variant]).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create"' -l 'rules' -d 'A folder of extra rule files (*.yaml) to add to the built-in rules. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" config' -l 'config' -d 'Settings file (default: ./.customs.yaml when present).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" q quiet' -s 'q' -l 'quiet' -d 'No progress line on standard error.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" no-default-allowlist' -l 'no-default-allowlist' -d 'Report known noise too (test suites and SDK examples inside installed packages, TLS self-test keys); see the README.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" no-cache' -l 'no-cache' -d 'Neither read nor write the layer cache.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create"' -l 'skip-path' -d 'Do not report findings in files whose in-image path matches GLOB (e.g. \'usr/share/doc/**\'); they are counted in the report. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" timeout' -l 'timeout' -d 'Stop the whole run after this long (90s, 30m, 2h): what was scanned is reported, the rest is incomplete coverage (exit 3, or 1 with findings).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" cache-dir' -l 'cache-dir' -d 'Layer cache folder (default: $XDG_CACHE_HOME/customs or ~/.cache/customs).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" all-tags' -l 'all-tags' -d 'Treat each repository target (no tag or digest) as all of its tags.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" username' -l 'username' -d 'User name for the registries named by the targets (with --password-stdin).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" password-stdin' -l 'password-stdin' -d 'Read the registry password or token from standard input.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" ca-file' -l 'ca-file' -d 'Extra CA certificates (PEM) to trust for registries.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create"' -l 'insecure-registry' -d 'A registry (HOST[:PORT]) to reach over plain http. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" o output' -s 'o' -l 'output' -d 'The baseline file to write (mode 0600).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" baseline' -l 'baseline' -d 'Keep only the findings this older baseline accepted (re-keys a version 1 baseline, or one made with another fingerprint key\'s findings found again).' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs baseline create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs rules" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs rules" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs rules" -eq 1' -fa 'list' -d 'List every rule: id, severity, confidence, name.'
complete -c 'customs' -n '__customs_should_offer_completions_for_positional "customs rules" -eq 1' -fa 'check' -d 'Compile every rule and run its examples and negative examples through the regex and the scan pipeline.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs rules list"' -l 'rules' -d 'A folder of extra rule files to include. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs rules list" format' -l 'format' -d 'Output format: text (a line per rule) or json (an array of rules).' -rfka 'text json'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs rules list" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs rules list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs rules check"' -l 'rules' -d 'A folder of extra rule files to check with the built-in ones. Repeatable.' -rfka ''
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs rules check" version' -l 'version' -d 'Show the version.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs rules check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'customs' -n '__customs_should_offer_completions_for_flags_or_options "customs help" version' -l 'version' -d 'Show the version.'
