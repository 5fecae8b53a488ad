import CustomsDockerfile
import Testing

/// Words and simple commands of shell text, as `ARG`/`ENV` and `RUN` need them.
@Suite struct ShellWordsTests {
    @Test func quotesGroupAndAreRemoved() {
        #expect(ShellWords.split(#"A="x y" B='$z' C=a\ b D"#) == ["A=x y", "B=$z", "C=a b", "D"])
        #expect(ShellWords.split("  ") == [])
        #expect(ShellWords.split(#"E="""#) == ["E="])
    }

    @Test func commandsSplitAtOperatorsOutsideQuotes() {
        let commands = ShellWords.commands("curl -o /tmp/k https://x && echo 'a && b'; rm /tmp/k | cat\nls")
        #expect(
            commands == [
                ["curl", "-o", "/tmp/k", "https://x"], ["echo", "a && b"], ["rm", "/tmp/k"], ["cat"], ["ls"],
            ])
    }
}
