using System.Text;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The segmenter's tokens of the highlighted texts (title, summary, description), packed into a stored field:
/// per text a count, then per token the gap from the previous token's end, its length and, rarely, its term
/// (only where the term is not the text's own characters, e.g. a lower-cased or stemmed Latin word).
/// </summary>
internal static class StoredSegmentation
{
    public static byte[] Pack(params IReadOnlyList<TextToken>[] texts)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var tokens in texts)
            {
                writer.Write7BitEncodedInt(tokens.Count);
                var previousEnd = 0;
                foreach (var token in tokens)
                {
                    writer.Write7BitEncodedInt(token.Start - previousEnd);
                    writer.Write7BitEncodedInt(((token.End - token.Start) << 1) | (token.Term is null ? 0 : 1));
                    if (token.Term is not null) writer.Write(token.Term);
                    previousEnd = token.End;
                }
            }
        }
        return bytes.ToArray();
    }

    public static TextToken[][] Unpack(byte[] buffer, int offset, int length, int texts)
    {
        using var reader = new BinaryReader(new MemoryStream(buffer, offset, length, writable: false), Encoding.UTF8);
        var result = new TextToken[texts][];
        for (var t = 0; t < texts; t++)
        {
            var tokens = new TextToken[reader.Read7BitEncodedInt()];
            var previousEnd = 0;
            for (var i = 0; i < tokens.Length; i++)
            {
                var start = previousEnd + reader.Read7BitEncodedInt();
                var lengthAndFlag = reader.Read7BitEncodedInt();
                var end = start + (lengthAndFlag >> 1);
                tokens[i] = new TextToken(start, end, (lengthAndFlag & 1) == 1 ? reader.ReadString() : null);
                previousEnd = end;
            }
            result[t] = tokens;
        }
        return result;
    }
}
