using System.Text;
using System.Text.Json.Nodes;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive;

public class HistoryArchiveStateTests
{
    private const string TestnetPassphrase = "Test SDF Network ; September 2015";
    private const string PubnetFile = "archives/pubnet-2017-legacy-txsets/history/00/b7/1c/history-00b71cff.json";
    private const string HotFile = "archives/testnet-2026-hot-archive/history/00/00/00/history-0000007f.json";

    [Fact]
    public void Fixtures_HoldEveryExpectedHasFile()
    {
        var all = HasFixtures.All();
        all.Should().HaveCount(157 + 17 + 2 + 3 + 6);
        all.Should().Contain(HasFixtures.NotWrittenByCore.Keys);
    }

    [Theory]
    [MemberData(nameof(HasFixtures.WrittenByCore), MemberType = typeof(HasFixtures))]
    public void ToUtf8Bytes_FileWrittenByCore_RoundTripsByteForByte(string relativePath)
    {
        var bytes = HasFixtures.Read(relativePath);

        var unvalidated = HistoryArchiveStateJson.Write(HistoryArchiveStateJson.Parse(bytes, relativePath));
        Encoding.UTF8.GetString(unvalidated).Should().Be(Encoding.UTF8.GetString(bytes));

        if (HasFixtures.BreakFormatRules.TryGetValue(relativePath, out var rule))
        {
            var act = () => HistoryArchiveState.Parse(bytes, relativePath);
            act.Should().Throw<HistoryArchiveStateException>().Which.Rule.Should().Be(rule);
        }
        else
        {
            var state = HistoryArchiveState.Parse(bytes, relativePath);
            Encoding.UTF8.GetString(state.ToUtf8Bytes()).Should().Be(Encoding.UTF8.GetString(bytes));
        }
    }

    [Theory]
    [InlineData("archives/testnet-2026-hot-archive/.well-known/stellar-history.json")]
    [InlineData("xdr/core-has/go-historyV1.json")]
    [InlineData("xdr/core-has/go-historyV2.json")]
    public void Parse_FileNotWrittenByCore_ParsesButDoesNotRoundTrip(string relativePath)
    {
        var bytes = HasFixtures.Read(relativePath);
        var state = HistoryArchiveState.Parse(bytes, relativePath);

        state.ToUtf8Bytes().Should().NotEqual(bytes);
        var again = HistoryArchiveState.Parse(state.ToUtf8Bytes(), relativePath);
        again.Should().BeEquivalentTo(state);
    }

    [Fact]
    public void Parse_HandEditedHotArchiveWellKnown_IsVersion2WithoutHotBuckets()
    {
        var state = HistoryArchiveState.Parse(HasFixtures.Read("archives/testnet-2026-hot-archive/.well-known/stellar-history.json"), ".well-known");
        var checkpoint = HistoryArchiveState.Parse(HasFixtures.Read(HotFile), HotFile);

        state.Version.Should().Be(2);
        state.HasHotArchiveBuckets.Should().BeFalse();
        state.CurrentBuckets.Should().Equal(checkpoint.CurrentBuckets);
        checkpoint.HotArchiveBuckets.Should().HaveCount(11);
        var act = () => state.ComputeBucketListHash();
        act.Should().Throw<HistoryArchiveStateException>().Which.Rule.Should().Be(HistoryArchiveStateRule.MissingHotArchiveBuckets);
    }

    [Fact]
    public void Parse_RealPubnetFile_ReadsFieldsAndPendingMerges()
    {
        var state = HistoryArchiveState.Parse(HasFixtures.Read(PubnetFile), PubnetFile);

        state.Version.Should().Be(1);
        state.Server.Should().Be("v0.6.1-27-gdb7b26b");
        state.CurrentLedger.Should().Be(12000511);
        state.NetworkPassphrase.Should().BeNull();
        state.CurrentBuckets.Should().HaveCount(11);
        state.HotArchiveBuckets.Should().BeNull();
        state.CurrentBuckets[0].Snap.Should().Be("d2ce635a2d1b1cebc6fe1110b80112a1ad0d4c6b125509f13ba4d92df5a3c7b8");
        state.CurrentBuckets[1].Next.Should().Be(FutureBucket.WithOutput("d2ce635a2d1b1cebc6fe1110b80112a1ad0d4c6b125509f13ba4d92df5a3c7b8"));
    }

    [Fact]
    public void Parse_KeysResorted_GivesTheSameStateAndCoreBytes()
    {
        var bytes = HasFixtures.Read(HotFile);
        var sorted = Sort(JsonNode.Parse(bytes)!).ToJsonString();

        var state = HistoryArchiveState.Parse(sorted, "sorted");

        sorted.Should().StartWith("{\"currentBuckets\"");
        state.ToUtf8Bytes().Should().Equal(bytes);
    }

    [Fact]
    public void ToUtf8Bytes_StateTwo_WritesInputsAndShadows()
    {
        var zeroLevels = Enumerable.Repeat(HistoryStateBucket.Empty, 11).ToArray();
        const string a = "1111111111111111111111111111111111111111111111111111111111111111";
        const string b = "2222222222222222222222222222222222222222222222222222222222222222";
        zeroLevels[1] = zeroLevels[1] with { Next = FutureBucket.WithInputs(a, b) };
        zeroLevels[2] = zeroLevels[2] with { Next = FutureBucket.WithInputs(b, a, [a, b]) };
        var state = new HistoryArchiveState { Version = 1, Server = "test \"q\"\n", CurrentLedger = 127, CurrentBuckets = zeroLevels };

        var json = state.ToJson();

        json.Should().Contain("""
                        "next": {
                            "state": 2,
                            "curr": "1111111111111111111111111111111111111111111111111111111111111111",
                            "snap": "2222222222222222222222222222222222222222222222222222222222222222",
                            "shadow": []
                        },
            """);
        json.Should().Contain($$"""
                            "shadow": [
                                "{{a}}",
                                "{{b}}"
                            ]
                        },
            """);
        json.Should().Contain("\"server\": \"test \\\"q\\\"\\n\",");
        HistoryArchiveState.Parse(json, "state2").Should().BeEquivalentTo(state);
        HistoryArchiveState.Parse(json, "state2").GetReferencedBuckets().Should().BeEmpty("state 2 inputs are not fetched");
    }

    [Theory]
    [InlineData("\"version\": 1,", "\"version\": 3,", HistoryArchiveStateRule.UnknownVersion)]
    [InlineData("\"version\": 1,", "\"version\": \"1\",", HistoryArchiveStateRule.Malformed)]
    [InlineData("\"state\": 1,", "\"state\": 7,", HistoryArchiveStateRule.UnknownNextState)]
    [InlineData("\"snap\": \"d2ce635a", "\"snap\": \"D2CE635A", HistoryArchiveStateRule.InvalidHash)]
    [InlineData("\"snap\": \"d2ce635a", "\"snap\": \"2ce635a", HistoryArchiveStateRule.InvalidHash)]
    [InlineData("\"currentLedger\": 12000511,", "", HistoryArchiveStateRule.Malformed)]
    [InlineData("\"currentBuckets\": [", "\"currentBuckets\": [ 1, ", HistoryArchiveStateRule.Malformed)]
    [InlineData("{", "[", HistoryArchiveStateRule.Malformed)]
    public void Parse_BrokenRule_ThrowsNamingFileAndRule(string find, string replace, HistoryArchiveStateRule rule)
    {
        var text = Encoding.UTF8.GetString(HasFixtures.Read(PubnetFile));
        var index = text.IndexOf(find, StringComparison.Ordinal);
        index.Should().BeGreaterThanOrEqualTo(0);
        var broken = string.Concat(text.AsSpan(0, index), replace, text.AsSpan(index + find.Length));

        var act = () => HistoryArchiveState.Parse(broken, PubnetFile);

        var error = act.Should().Throw<HistoryArchiveStateException>().Which;
        error.Rule.Should().Be(rule);
        error.FileName.Should().Be(PubnetFile);
        error.Message.Should().Contain(PubnetFile).And.Contain(rule.ToString());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(12)]
    public void Parse_WrongLevelCount_Throws(int levels)
    {
        var node = JsonNode.Parse(HasFixtures.Read(HotFile))!;
        var array = node["hotArchiveBuckets"]!.AsArray();
        if (levels < 11)
        {
            array.RemoveAt(0);
        }
        else
        {
            array.Add(array[0]!.DeepClone());
        }

        var act = () => HistoryArchiveState.Parse(node.ToJsonString(), HotFile);

        act.Should().Throw<HistoryArchiveStateException>().Which.Rule.Should().Be(HistoryArchiveStateRule.LevelCount);
    }

    [Fact]
    public void Parse_Version2WithoutPassphrase_Throws()
    {
        var node = JsonNode.Parse(HasFixtures.Read(HotFile))!;
        node.AsObject().Remove("networkPassphrase");

        var act = () => HistoryArchiveState.Parse(node.ToJsonString(), HotFile);

        act.Should().Throw<HistoryArchiveStateException>().Which.Rule.Should().Be(HistoryArchiveStateRule.MissingPassphrase);
    }

    [Fact]
    public void Parse_Version1WithHotBuckets_Throws()
    {
        var node = JsonNode.Parse(HasFixtures.Read(HotFile))!;
        node["version"] = 1;

        var act = () => HistoryArchiveState.Parse(node.ToJsonString(), HotFile);

        act.Should().Throw<HistoryArchiveStateException>().Which.Rule.Should().Be(HistoryArchiveStateRule.UnexpectedHotArchive);
    }

    [Fact]
    public void Parse_ExpectedPassphrase_AcceptsSameRejectsOther()
    {
        var bytes = HasFixtures.Read(HotFile);
        HistoryArchiveState.Parse(bytes, HotFile, TestnetPassphrase).NetworkPassphrase.Should().Be(TestnetPassphrase);

        var act = () => HistoryArchiveState.Parse(bytes, HotFile, "Public Global Stellar Network ; September 2015");

        act.Should().Throw<HistoryArchiveStateException>().Which.Rule.Should().Be(HistoryArchiveStateRule.PassphraseMismatch);
    }

    [Fact]
    public async Task ReadAsync_HugeStream_ThrowsTooLarge()
    {
        using var stream = new MemoryStream(new byte[HistoryArchiveState.MaxFileSize + 10]);

        var act = () => HistoryArchiveState.ReadAsync(stream, "huge.json");

        (await act.Should().ThrowAsync<HistoryArchiveStateException>()).Which.Rule.Should().Be(HistoryArchiveStateRule.TooLarge);
    }

    [Fact]
    public async Task LoadAsync_RealFile_Parses()
    {
        var state = await HistoryArchiveState.LoadAsync(Path.Combine(Fixtures.Root, HotFile), TestnetPassphrase);
        state.CurrentLedger.Should().Be(127);
    }

    [Fact]
    public void GetReferencedBuckets_PubnetPendingMerges_IncludesOutputsExcludesZero()
    {
        var state = HistoryArchiveState.Parse(HasFixtures.Read(PubnetFile), PubnetFile);
        var expected = state.CurrentBuckets
            .SelectMany(l => new[] { l.Curr, l.Snap, l.Next.Output })
            .Where(h => h is not null && h != HashHex.Zero)
            .Distinct()
            .ToHashSet();

        var buckets = state.GetReferencedBuckets();

        buckets.Should().OnlyHaveUniqueItems();
        buckets.Should().BeEquivalentTo(expected);
        buckets.Should().NotContain(HashHex.Zero);
        state.CurrentBuckets.Count(l => l.Next.State == FutureBucketState.HashOutput).Should().BeGreaterThan(0);
    }

    [Fact]
    public void GetReferencedBuckets_EveryRealCheckpoint_ExistsInItsArchive()
    {
        foreach (var archive in new[] { Fixtures.TestnetSmall, Fixtures.PubnetLegacy })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(archive, "history"), "*.json", SearchOption.AllDirectories))
            {
                var state = HistoryArchiveState.Parse(File.ReadAllBytes(file), file);
                foreach (var bucket in state.GetReferencedBuckets())
                {
                    File.Exists(Path.Combine(archive, ArchivePaths.Bucket(bucket))).Should().BeTrue($"{file} references {bucket}");
                }
            }
        }
    }

    [Fact]
    public void GetReferencedBuckets_HotArchive_ListsLiveAndHot()
    {
        var state = HistoryArchiveState.Parse(HasFixtures.Read(HotFile), HotFile);

        state.GetReferencedHotArchiveBuckets().Should().Equal("c0a160c2e483637be5a2ff92da6127d26e0dc19a26aba0289543152499a6b7a3");
        state.GetReferencedBuckets().Should().Contain(state.GetReferencedLiveBuckets()).And.Contain(state.GetReferencedHotArchiveBuckets());
    }

    private static JsonNode Sort(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Sort(p.Value!)))),
        JsonArray a => new JsonArray(a.Select(i => (JsonNode?)Sort(i!)).ToArray()),
        _ => node.DeepClone(),
    };
}
