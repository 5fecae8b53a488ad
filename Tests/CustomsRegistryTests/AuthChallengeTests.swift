import Testing

@testable import CustomsRegistry

@Suite struct AuthChallengeTests {
    @Test func bearerChallengeWithQuotedParameters() throws {
        let challenge = try #require(
            AuthChallenge(
                header:
                    #"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull""#
            ))
        #expect(challenge.scheme == "bearer")
        #expect(challenge.parameters["realm"] == "https://auth.example.com/token")
        #expect(challenge.parameters["service"] == "registry.example.com")
        #expect(challenge.parameters["scope"] == "repository:team/app:pull")
    }

    @Test func basicChallengeAndEscapes() throws {
        let basic = try #require(AuthChallenge(header: #"Basic realm="a \"quoted\" realm", charset=UTF-8"#))
        #expect(basic.scheme == "basic")
        #expect(basic.parameters["realm"] == #"a "quoted" realm"#)
        #expect(basic.parameters["charset"] == "UTF-8")
        #expect(AuthChallenge(header: "Negotiate")?.scheme == "negotiate")
        #expect(AuthChallenge(header: "   ") == nil)
    }
}
