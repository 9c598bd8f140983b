namespace Marketplace.Core.Families.Selection;

/// <summary>A guardian's submission as committed, with the window and the pupil it was judged on: its answer is built from them.</summary>
public sealed record SubmittedApplication(SelectionWindow Window, Pupil Pupil, SelectionApplication Application);
