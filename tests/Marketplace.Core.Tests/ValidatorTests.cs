using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class ValidatorTests
{
    /// <summary>Each field's messages as "key(arguments)" (the host renders them in the caller's language).</summary>
    private static IReadOnlyDictionary<string, string[]> Errors(Action<Validator> check)
    {
        var v = new Validator();
        check(v);
        return v.IsValid ? new Dictionary<string, string[]>()
            : Assert.Throws<ValidationFailedException>(v.ThrowIfInvalid).Errors.ToDictionary(e => e.Key, e => e.Value.Select(m => m.ToString()).ToArray());
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "\u0000", "NUL" },
        { "机器人\u0000课", "NUL inside text" },
        { "\u001b[31m红色标题\u001b[0m", "ANSI colour escape" },
        { "\u001b]8;;http://evil.example\u0007点我\u001b]8;;\u0007", "OSC hyperlink escape" },
        { "标题\u007f", "DEL" },
        { "标题\u0085", "C1 next line" },
        { "标题\u009b31m", "C1 CSI" },
        { "第一行\n第二行", "line feed in a single-line field" },
        { "第一行\r第二行", "carriage return" },
        { "科学\t实验", "tab in a single-line field" },
        { "第一行\u2028第二行", "line separator" },
        { "\u202egnp.exe", "right-to-left override" },
        { "课程\u2066隔离\u2069", "bidi isolate" },
        { "\u200b\u200c", "zero-width space and non-joiner only" },
        { "\u200d\ufeff\u2060", "zero-width joiner, BOM, word joiner only" },
        { "\u3000\u00a0\u2003", "ideographic, no-break and em spaces only" },
        { "\u3164\u3164", "Hangul filler (a letter that renders blank)" },
        { "\u2800", "braille blank" },
        { "\u0301\u0308", "combining marks with nothing to sit on" },
        { "\ue000", "private use" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Text_Refuses_ControlAndInvisibleCharacters(string value, string why)
    {
        Assert.True(Errors(v => v.Text(value, "title", 60)).ContainsKey("title"), why);
        // Optional text that is only whitespace counts as absent (the domain trims it away); anything else is checked.
        if (!string.IsNullOrWhiteSpace(value))
            Assert.True(Errors(v => v.Text(value, "note", 60, required: false)).ContainsKey("note"), why + " (optional)");
    }

    [Fact]
    public void Text_Refuses_UnpairedSurrogates()
    {
        // Built here, not as theory data: the test runner's serialisation would turn them into U+FFFD.
        foreach (var value in new[] { "\ud800标题", "标题\udc00", new string([(char)0xDBFF, 'x']) })
        {
            Assert.Equal("validation.invalid-unicode", Errors(v => v.Text(value, "title", 60))["title"][0]);
        }
    }

    [Theory]
    [InlineData("\u001b[2J")]
    [InlineData("说明\u0000")]
    [InlineData("\u200b")]
    [InlineData("第一行\r第二行")]
    public void MultilineText_RefusesTheSame_ButLineBreaks(string value) =>
        Assert.True(Errors(v => v.Text(value, "description", 4000, multiline: true)).ContainsKey("description"));

    [Theory]
    [InlineData("青少年机器人编程科普课")]
    [InlineData("C++ 入门")]
    [InlineData("  前后有空格  ")]
    [InlineData("👩‍🔬 小小科学家")] // ZWJ inside an emoji sequence, next to visible text
    [InlineData("Café crème")]
    [InlineData("e\u0301")] // e + combining acute: the base letter is visible
    [InlineData("〇")]
    [InlineData("…")]
    [InlineData("𠀀")] // a CJK Extension B ideograph: a valid surrogate pair
    public void Text_Accepts_WhatPeopleType(string value) => Assert.Empty(Errors(v => v.Text(value, "title", 60)));

    [Theory]
    [InlineData("第一行\n第二行")]
    [InlineData("第一行\r\n第二行")]
    [InlineData("要点：\n\t1. 安全\n\t2. 材料")]
    public void MultilineText_Accepts_LineBreaksAndTabs(string value) =>
        Assert.Empty(Errors(v => v.Text(value, "description", 4000, multiline: true)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void OptionalText_Absent_IsFine_RequiredIsNot(string? value)
    {
        Assert.Empty(Errors(v => v.Text(value, "note", 500, required: false)));
        Assert.Contains("note", Errors(v => v.Text(value, "note", 500)).Keys);
    }

    [Fact]
    public void Text_OverTheBound_IsRefused_AtTheBoundIsNot()
    {
        Assert.Empty(Errors(v => v.Text(new string('地', 200), "venue.address", 200)));
        Assert.Equal("validation.max-length(200)", Errors(v => v.Text(new string('地', 201), "venue.address", 200))["venue.address"][0]);
    }

    [Fact]
    public void Texts_NamesEachBadItem_AndRefusesATooLongListOnce()
    {
        var errors = Errors(v => v.Texts(["科学", "\u200b", "\u001b[1m", new string('长', 21), null], "tags", 10, 20));
        Assert.Equal(["tags[1]", "tags[2]", "tags[3]", "tags[4]"], errors.Keys.Order());
        var tooMany = Errors(v => v.Texts(Enumerable.Repeat("\u0000", 50_000).ToArray(), "tags", 10, 20));
        Assert.Equal("tags", Assert.Single(tooMany).Key);
        Assert.Single(tooMany["tags"]);
    }
}
