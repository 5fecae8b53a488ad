import Foundation

/// Validates a JSON file against a JSON Schema with Python's `jsonschema` (the draft is taken
/// from the schema's `$schema`), as CI and users would.
public enum SchemaValidator {
    /// - Returns: whether the document is valid, and the validator's messages.
    public static func validate(_ document: URL, schema: URL) throws -> (valid: Bool, message: String) {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); document = json.load(open(sys.argv[2]))
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            errors = list(cls(schema).iter_errors(document))
            print("\\n".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors))
            sys.exit(1 if errors else 0)
            """
        // Debian's Python, with Debian's python3-jsonschema (scripts/setup --test).
        let output = try CLIRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, schema.path, document.path])
        return (output.status == 0, output.text + output.stderr)
    }
}
