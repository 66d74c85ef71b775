"""Small example question sets that show every question type."""
