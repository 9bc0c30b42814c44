# Installation: headers, libraries, the exported CMake package and quarry.pc.
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS quarry_shared quarry_static EXPORT quarryTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT quarryTargets NAMESPACE quarry:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/quarry)
configure_package_config_file(cmake/quarryConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/quarryConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/quarry)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/quarryConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/quarryConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/quarryConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/quarry)

# quarry.pc requires the pkg-config modules of the drivers actually linked
# in (a client library found without its dialect folder is not).
set(QUARRY_PC_REQUIRES_PRIVATE "")
foreach(opt_pkg SQLITE:sqlite3 POSTGRESQL:libpq MYSQL:libmariadb)
  string(REPLACE ":" ";" opt_pkg "${opt_pkg}")
  list(GET opt_pkg 0 opt)
  list(GET opt_pkg 1 pkg)
  set(libs "${QUARRY_WITH_${opt}_PC_LINK_LIBRARIES}")
  if(QUARRY_WITH_${opt}_FOUND AND libs)
    list(GET libs 0 lib)
    if(lib IN_LIST QUARRY_PRIVATE_LIBS)
      string(APPEND QUARRY_PC_REQUIRES_PRIVATE " ${pkg}")
    endif()
  endif()
endforeach()
configure_file(cmake/quarry.pc.in ${CMAKE_CURRENT_BINARY_DIR}/quarry.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/quarry.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
